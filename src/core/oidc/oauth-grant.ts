/** An authorization code, stored only as SHA-256 of the code; single use, short lived. */
export interface AuthorizationCode {
  codeHash: string;
  /** The grant family: every token issued from this code carries it, so a replay can revoke them all. */
  grantId: string;
  serverId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  nonce: string | null;
  /** PKCE S256 challenge; null for a confidential client that sent none. */
  codeChallenge: string | null;
  /** The session it came from (hashed), or null. */
  sessionHash: string | null;
  authTime: Date;
  amr: string[];
  createdAt: Date;
  expiresAt: Date;
  consumedAt: Date | null;
}

export type IssuedTokenKind = 'access' | 'refresh';

/**
 * An issued access or refresh token. Access tokens are JWTs and are stored by SHA-256 of their
 * jti (to revoke them); refresh tokens are opaque and stored by SHA-256 of the token.
 */
export interface IssuedToken {
  tokenHash: string;
  kind: IssuedTokenKind;
  grantId: string;
  serverId: string;
  clientId: string;
  /** null for client_credentials. */
  userId: string | null;
  scopes: string[];
  authTime: Date | null;
  amr: string[];
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  /** Refresh tokens: when it was exchanged for its successor. A second exchange is a reuse. */
  rotatedAt: Date | null;
}

export type CodeConsumption =
  | { kind: 'consumed'; code: AuthorizationCode }
  | { kind: 'replayed'; code: AuthorizationCode }
  | { kind: 'invalid' };

export type RefreshRotation =
  | { kind: 'rotated'; token: IssuedToken }
  | { kind: 'reused'; token: IssuedToken }
  | { kind: 'invalid' };
