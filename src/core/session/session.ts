/** ACTIVE: fully authenticated. MFA_REQUIRED: the password was right, the second factor is still owed. */
export type SessionStatus = 'ACTIVE' | 'MFA_REQUIRED';

export interface Session {
  /** SHA-256 hex of the session token; the token itself (the wire `id`) is never stored. */
  tokenHash: string;
  userId: string;
  login: string;
  status: SessionStatus;
  createdAt: Date;
  /** Hard end of the session, whatever its activity. */
  absoluteExpiresAt: Date;
  /** Sliding end: moved forward by activity, never past absoluteExpiresAt. */
  idleExpiresAt: Date;
  lastPasswordVerification: Date | null;
  lastFactorVerification: Date | null;
  /** Authentication methods used, Okta/RFC 8176 style: pwd, then otp and mfa after the second factor. */
  amr: string[];
}

export const sessionExpiresAt = (s: Session): Date =>
  s.idleExpiresAt < s.absoluteExpiresAt ? s.idleExpiresAt : s.absoluteExpiresAt;

export const isSessionLive = (s: Session, now: Date): boolean => sessionExpiresAt(s) > now;
