/** A management API token (`Authorization: SSWS <token>`); only its SHA-256 is kept. */
export interface ApiToken {
  /** Okta-style id, `00T…` (20 characters). */
  id: string;
  name: string;
  /** sha256Hex of the token. */
  tokenHash: string;
  created: Date;
  lastUsed: Date | null;
  /** When it was revoked; a revoked token never authenticates again. */
  revoked: Date | null;
}
