import type { Session } from './session.js';

export interface SessionStore {
  createSession(session: Session): Promise<void>;
  findSession(tokenHash: string): Promise<Session | null>;
  /** Moves the idle expiry forward (never backward); no-op for an unknown session. */
  touchSession(tokenHash: string, idleExpiresAt: Date): Promise<void>;
  /**
   * MFA_REQUIRED → ACTIVE for exactly this session if it belongs to `userId` and is pending.
   * Returns false otherwise.
   */
  completeMfa(tokenHash: string, userId: string, now: Date, amr: string[]): Promise<boolean>;
  /**
   * MFA_REQUIRED → ACTIVE for every pending session of `userId` created at or before
   * `createdAtOrBefore`. Returns how many were upgraded.
   */
  completeMfaForUser(userId: string, createdAtOrBefore: Date, now: Date, amr: string[]): Promise<number>;
  /** Returns true if a session was deleted. */
  deleteSession(tokenHash: string): Promise<boolean>;
  deleteSessionsForUser(userId: string): Promise<number>;
  /** Housekeeping: removes sessions whose expiry is before `now`. */
  deleteExpiredSessions(now: Date): Promise<number>;
}
