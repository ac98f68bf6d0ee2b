import type { Clock } from '../clock.js';
import { AuthError, ConflictError } from '../errors.js';
import { sha256Hex } from '../hashing.js';
import { oktaId, randomBase62, type Random } from '../random.js';
import type { ApiToken } from './api-token.js';
import type { ApiTokenStore } from './api-token-store.js';

export interface ApiTokenServiceOptions {
  store: ApiTokenStore;
  clock: Clock;
  random: Random;
  /** lastUsed is written at most this often per token (default 60 s), so reads do not turn into writes. */
  touchIntervalMs?: number;
}

/** What the caller of a management route authenticated as. */
export type ApiTokenPrincipal = Pick<ApiToken, 'id' | 'name'>;

/** Okta's tokens are 42 characters starting with "00"; ours too: "00" + 40 base62 characters (238 bits). */
const TOKEN_SHAPE = /^00[0-9A-Za-z]{40}$/;

const invalidToken = () => new AuthError('invalid_token', 'Invalid token provided');

/**
 * Management API tokens: random, shown once at creation, stored as SHA-256 (a 238-bit token
 * needs no slow hash, and lookup by hash is no timing oracle), named, revocable.
 */
export class ApiTokenService {
  private readonly touchIntervalMs: number;

  constructor(private readonly o: ApiTokenServiceOptions) {
    this.touchIntervalMs = o.touchIntervalMs ?? 60_000;
  }

  /** A new token; `token` is the only time the secret exists outside the caller's hands. */
  async create(name: string): Promise<{ token: string; record: ApiToken }> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 100) {
      throw new AuthError('validation_failed', 'name', { causes: [{ summary: 'name: 1 to 100 characters' }] });
    }
    for (let attempt = 0; ; attempt++) {
      const token = '00' + randomBase62(this.o.random, 40);
      const record: ApiToken = {
        id: oktaId(this.o.random, '00T'),
        name: trimmed,
        tokenHash: sha256Hex(token),
        created: this.o.clock.now(),
        lastUsed: null,
        revoked: null,
      };
      try {
        await this.o.store.createApiToken(record);
        return { token, record };
      } catch (error) {
        // Only a colliding id can get here in practice; try again with fresh randomness.
        if (error instanceof ConflictError && attempt < 2) continue;
        throw error;
      }
    }
  }

  /** The token's principal; invalid_token for an unknown, malformed or revoked token. */
  async authenticate(token: string): Promise<ApiTokenPrincipal> {
    if (!TOKEN_SHAPE.test(token)) throw invalidToken();
    const record = await this.o.store.findApiTokenByHash(sha256Hex(token));
    if (record === null || record.revoked !== null) throw invalidToken();
    const now = this.o.clock.now();
    if (record.lastUsed === null || now.getTime() - record.lastUsed.getTime() >= this.touchIntervalMs) {
      await this.o.store.touchApiToken(record.id, now);
    }
    return { id: record.id, name: record.name };
  }

  list(): Promise<ApiToken[]> {
    return this.o.store.listApiTokens();
  }

  /** True when this call revoked it; false when it was unknown or already revoked. */
  revoke(id: string): Promise<boolean> {
    return this.o.store.revokeApiToken(id, this.o.clock.now());
  }
}
