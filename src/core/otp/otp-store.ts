import type { OtpPurpose, OtpRecord } from './otp-record.js';

export interface OtpStore {
  /**
   * Stores a new code and, in the same transaction, kills every unconsumed code for the
   * same (userId, factorId, purpose): a resend invalidates the previous code.
   */
  issue(record: OtpRecord): Promise<void>;
  /** The newest unconsumed code for (userId, factorId, purpose), expired or not; null if none. */
  findLatest(userId: string, factorId: string, purpose: OtpPurpose): Promise<OtpRecord | null>;
  /**
   * Atomically counts one comparison if fewer than `maxAttempts` were made and the code is
   * unconsumed. Returns the new count, or null when the attempt is refused. Parallel calls
   * never let more than `maxAttempts` through.
   */
  registerAttempt(id: string, maxAttempts: number): Promise<number | null>;
  /** Marks the code used if it is still unused; true for exactly one caller. */
  consume(id: string, now: Date): Promise<boolean>;
  /**
   * When the newest code of this factor (any purpose, used or not) was issued; null if none.
   * Revoked codes are gone and do not count.
   */
  lastIssuedAt(userId: string, factorId: string): Promise<Date | null>;
  /** Removes every unconsumed code of this user, factor and purpose (e.g. after a failed send). */
  revokeAll(userId: string, factorId: string, purpose: OtpPurpose, now: Date): Promise<void>;
}
