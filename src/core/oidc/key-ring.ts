import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { randomBase62, type Random } from '../random.js';
import type { KeyCipher } from './key-cipher.js';
import type { KeyStore } from './key-store.js';
import { isPublished, type SigningKey } from './signing-key.js';

export interface KeyRingOptions {
  store: KeyStore;
  cipher: KeyCipher;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** How long a replaced key stays in the JWKS (at least the longest token lifetime). */
  graceSeconds: number;
  /** How long the ring trusts its cached view of the store (another instance may have rotated). */
  cacheSeconds?: number;
}

export interface PublicJwk extends JWK {
  kid: string;
}

interface Loaded {
  at: number;
  keys: SigningKey[];
  /** Private keys imported on first use, by kid. */
  privates: Map<string, CryptoKey>;
}

/**
 * The RS256 signing keys: the newest active key signs, every published key verifies. Keys live in
 * the KeyStore with their private half encrypted; `ensureKey` creates the first one, `rotate` adds
 * a new one and retires the others for `graceSeconds`.
 */
export class KeyRing {
  private loaded: Loaded | null = null;

  constructor(private readonly o: KeyRingOptions) {}

  /** Called at start: makes sure an active key exists. */
  async ensureKey(): Promise<void> {
    const keys = await this.keys(true);
    if (!keys.some((k) => k.retiredAt === null)) await this.addKey();
  }

  /** A new key signs from now on; the previous ones stay published for the grace period. */
  async rotate(): Promise<{ kid: string; retired: number }> {
    const key = await this.addKey();
    const now = this.o.clock.now();
    const retired = await this.o.store.retireKeysExcept(key.kid, now, new Date(now.getTime() + this.o.graceSeconds * 1000));
    await this.o.store.deleteRemovedKeys(now);
    this.loaded = null;
    this.o.logger.info({ event: 'oidc.keys.rotate', kid: key.kid, retired }, 'signing key rotated');
    return { kid: key.kid, retired };
  }

  /** The public keys of the JWKS: active and retired-but-published, newest first. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    const now = this.o.clock.now();
    // The signing key first, then retired keys, newest first.
    const keys = (await this.keys(false))
      .filter((k) => isPublished(k, now))
      .map((k, i) => ({ k, i }))
      .sort((a, b) => Number(a.k.retiredAt !== null) - Number(b.k.retiredAt !== null) || b.i - a.i)
      .map(({ k }) => k);
    return { keys: keys.map((k) => ({ ...k.publicJwk, kid: k.kid })) };
  }

  /** Key metadata for the CLI and tests (no key material). */
  async list(): Promise<Array<{ kid: string; createdAt: Date; retiredAt: Date | null; removeAt: Date | null; published: boolean }>> {
    const now = this.o.clock.now();
    return (await this.keys(true)).map((k) => ({
      kid: k.kid,
      createdAt: k.createdAt,
      retiredAt: k.retiredAt,
      removeAt: k.removeAt,
      published: isPublished(k, now),
    }));
  }

  /** The newest active key, decrypted. */
  async signingKey(): Promise<{ kid: string; key: CryptoKey }> {
    let keys = await this.keys(false);
    let active = keys.filter((k) => k.retiredAt === null).at(-1);
    if (active === undefined) {
      keys = await this.keys(true);
      active = keys.filter((k) => k.retiredAt === null).at(-1);
      if (active === undefined) active = await this.addKey();
    }
    return { kid: active.kid, key: await this.privateKey(active) };
  }

  /** The public key a token names by kid, if that key is published; the store is re-read once for an unknown kid. */
  async verificationKey(kid: string): Promise<CryptoKey | null> {
    const now = this.o.clock.now();
    let key = (await this.keys(false)).find((k) => k.kid === kid);
    if (key === undefined) key = (await this.keys(true)).find((k) => k.kid === kid);
    if (key === undefined || !isPublished(key, now)) return null;
    const imported = await importJWK({ ...key.publicJwk, alg: 'RS256' }, 'RS256');
    if (imported instanceof Uint8Array) return null;
    return imported;
  }

  private async addKey(): Promise<SigningKey> {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const kid = randomBase62(this.o.random, 43);
    const publicJwk = await exportJWK(publicKey);
    const privateJwk = await exportJWK(privateKey);
    const key: SigningKey = {
      kid,
      publicJwk: { kty: 'RSA', alg: 'RS256', use: 'sig', kid, e: publicJwk.e, n: publicJwk.n },
      privateKeyCiphertext: this.o.cipher.encrypt(JSON.stringify(privateJwk), kid),
      createdAt: this.o.clock.now(),
      retiredAt: null,
      removeAt: null,
    };
    await this.o.store.addKey(key);
    this.loaded = null;
    this.o.logger.info({ event: 'oidc.keys.create', kid }, 'signing key created');
    return key;
  }

  private async keys(fresh: boolean): Promise<SigningKey[]> {
    const ttl = (this.o.cacheSeconds ?? 30) * 1000;
    const now = this.o.clock.now().getTime();
    if (fresh || this.loaded === null || now - this.loaded.at > ttl) {
      const privates = this.loaded?.privates ?? new Map<string, CryptoKey>();
      this.loaded = { at: now, keys: await this.o.store.listKeys(), privates };
    }
    return this.loaded.keys;
  }

  private async privateKey(key: SigningKey): Promise<CryptoKey> {
    const cached = this.loaded?.privates.get(key.kid);
    if (cached !== undefined) return cached;
    const jwk = JSON.parse(this.o.cipher.decrypt(key.privateKeyCiphertext, key.kid)) as JWK;
    const imported = await importJWK({ ...jwk, alg: 'RS256' }, 'RS256');
    if (imported instanceof Uint8Array) throw new Error('signing key is not an RSA key');
    this.loaded?.privates.set(key.kid, imported);
    return imported;
  }
}
