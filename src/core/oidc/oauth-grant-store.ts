import type { AuthorizationCode, CodeConsumption, IssuedToken, RefreshRotation } from './oauth-grant.js';

/** Authorization codes and issued tokens. */
export interface OAuthGrantStore {
  /** Throws ConflictError('authorization_code') on a duplicate hash. */
  createCode(code: AuthorizationCode): Promise<void>;
  /**
   * Atomically marks the code used. Of concurrent callers exactly one gets `consumed`, and only
   * while now < expiresAt; a code already used answers `replayed` (with the code, so its grant
   * can be revoked); unknown or expired codes answer `invalid`.
   */
  consumeCode(codeHash: string, now: Date): Promise<CodeConsumption>;
  /** Throws ConflictError('token') on a duplicate hash. */
  saveToken(token: IssuedToken): Promise<void>;
  findToken(tokenHash: string): Promise<IssuedToken | null>;
  /**
   * Atomically marks a live refresh token rotated. Exactly one concurrent caller gets `rotated`;
   * a token already rotated answers `reused`; unknown, revoked or expired ones `invalid`.
   */
  rotateRefreshToken(tokenHash: string, now: Date): Promise<RefreshRotation>;
  /** Revokes one token; true if it was live-and-unrevoked before. */
  revokeToken(tokenHash: string, now: Date): Promise<boolean>;
  /** Revokes every token of a grant family; returns how many were revoked now. */
  revokeGrant(grantId: string, now: Date): Promise<number>;
  /** Housekeeping: codes and tokens past their expiry. */
  deleteExpired(now: Date): Promise<number>;
}
