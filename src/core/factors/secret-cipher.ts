import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { hmacHex } from '../hashing.js';
import type { Random } from '../random.js';

/**
 * AES-256-GCM for secrets the server must read back (TOTP shared secrets, QR tickets). Each sealed
 * value is bound to a context string (e.g. the factor id) through the GCM associated data, so a
 * ciphertext copied onto another row does not open. The key ring rotates like OTP_SECRET: the
 * first key seals, every key opens what it sealed (the key id travels in the sealed value).
 *
 * Sealed form: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts).
 */
export class SecretCipher {
  private readonly current: { id: string; key: Buffer };
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(secrets: readonly string[], private readonly random: Random) {
    if (secrets.length === 0) throw new Error('at least one factor secret key is required');
    const entries = secrets.map((secret) => {
      const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), 'latchkey factor secrets v1', 32));
      return [hmacHex(key, 'latchkey-factor-key-id').slice(0, 8), key] as const;
    });
    const [first] = entries;
    if (first === undefined) throw new Error('unreachable');
    this.current = { id: first[0], key: first[1] };
    this.byId = new Map(entries);
  }

  seal(plaintext: string, context: string): string {
    const iv = Buffer.from(this.random.bytes(12));
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', this.current.id, iv.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.');
  }

  /** The plaintext, or null when the value is malformed, sealed under an unknown key, for another context, or tampered with. */
  open(sealed: string, context: string): string | null {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') return null;
    const [, keyId, iv, body, tag] = parts as [string, string, string, string, string];
    const key = this.byId.get(keyId);
    if (key === undefined) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
