import type { ApiToken } from './api-token.js';

/** Persistence for management API tokens. Every verb is atomic on its own. */
export interface ApiTokenStore {
  /** Inserts a token. Throws ConflictError('api_token') when the id or the hash exists. */
  createApiToken(token: ApiToken): Promise<void>;
  /** Looks a token up by its hash, revoked or not. */
  findApiTokenByHash(tokenHash: string): Promise<ApiToken | null>;
  /** Every token, revoked ones too, oldest first (ties by id). */
  listApiTokens(): Promise<ApiToken[]>;
  /** Stamps `revoked` if the token is not revoked yet; true for the one caller that revoked it. */
  revokeApiToken(id: string, now: Date): Promise<boolean>;
  /** Moves lastUsed forward to `now` (never back: a late, slower request does not rewind it). */
  touchApiToken(id: string, now: Date): Promise<void>;
}
