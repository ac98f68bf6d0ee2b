import type { SessionStatus } from '../session/session.js';

/**
 * Okta mode's local record of an upstream (Okta org) session: the MFA binding. The Okta session id
 * is a bearer secret, so only its SHA-256 is kept; the org stays the authority on whether the
 * session lives.
 */
export interface UpstreamSession {
  /** SHA-256 hex of the Okta session id. */
  sessionHash: string;
  userId: string;
  /** MFA_REQUIRED until /api/mfa/verify succeeds; only ACTIVE sessions serve /api/user and SSO. */
  status: SessionStatus;
  createdAt: Date;
  /** The org's expiresAt as last seen. */
  expiresAt: Date;
  factorVerifiedAt: Date | null;
}

/** Okta mode's local state besides grant codes: upstream sessions' MFA status and when codes were sent. */
export interface UpstreamSessionStore {
  createSession(session: UpstreamSession): Promise<void>;
  findSession(sessionHash: string): Promise<UpstreamSession | null>;
  /** Records the org's current expiresAt. */
  touchSession(sessionHash: string, expiresAt: Date): Promise<void>;
  /** MFA_REQUIRED → ACTIVE for exactly this session if it is `userId`'s and still waiting (atomic). */
  completeMfa(sessionHash: string, userId: string, now: Date): Promise<boolean>;
  /** MFA_REQUIRED → ACTIVE for `userId`'s waiting sessions created at or before `createdAtOrBefore`. */
  completeMfaForUser(userId: string, createdAtOrBefore: Date, now: Date): Promise<number>;
  deleteSession(sessionHash: string): Promise<boolean>;
  /** When a sign-in code was last mailed to the user (through this Latchkey). */
  recordChallenge(userId: string, sentAt: Date): Promise<void>;
  lastChallenge(userId: string): Promise<Date | null>;
  /** Housekeeping. */
  deleteExpiredSessions(now: Date): Promise<number>;
}
