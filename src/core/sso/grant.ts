/** A single-use SSO grant code (seed `/api/sso/grant`), stored only as a hash. */
export interface GrantCode {
  codeHash: string;
  userId: string;
  /** The session the grant was made from, hashed like every session token. */
  sessionHash: string;
  createdAt: Date;
  expiresAt: Date;
}
