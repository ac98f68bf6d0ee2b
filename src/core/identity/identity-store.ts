import type { User, UserProfile, UserStatus } from './user.js';
import type { UserListQuery } from './user-query.js';

export interface NewUser {
  id: string;
  status: UserStatus;
  profile: UserProfile;
  passwordHash: string | null;
  now: Date;
}

/**
 * Users and their credentials. Every verb is atomic on its own.
 */
export interface IdentityStore {
  /** Inserts a user. Throws ConflictError('login') when the login (case-insensitive) exists. */
  createUser(user: NewUser): Promise<User>;
  findUserById(id: string): Promise<User | null>;
  /** Case-insensitive lookup. */
  findUserByLogin(login: string): Promise<User | null>;
  /** Resets the failure counter and stamps lastLogin. */
  recordLoginSuccess(userId: string, now: Date): Promise<void>;
  /**
   * Atomically adds one to the failure counter and returns the new count.
   * Safe under concurrency: N parallel calls return N distinct counts.
   */
  recordLoginFailure(userId: string, now: Date): Promise<number>;
  /** Sets status and stamps statusChanged/lastUpdated (lockout, unlock, lifecycle). */
  setUserStatus(userId: string, status: UserStatus, now: Date): Promise<void>;
  /**
   * LOCKED_OUT → ACTIVE with the failure counter back at 0, only if the user is locked now.
   * True for the one caller that unlocked.
   */
  unlockUser(userId: string, now: Date): Promise<boolean>;
  /**
   * A new password chosen by the user or set by an admin: replaces the hash, stamps
   * passwordChanged, resets the failure counter, and PASSWORD_EXPIRED becomes ACTIVE.
   */
  changePassword(userId: string, passwordHash: string, now: Date): Promise<void>;
  /** Replaces the password hash (e.g. rehash with stronger parameters). */
  updatePasswordHash(userId: string, passwordHash: string, now: Date): Promise<void>;
  /** Deletes the user and everything that belongs to them (factors, sessions, codes). */
  deleteUser(userId: string): Promise<boolean>;
  /**
   * Users matching `prefix` and `where` (see user-query.ts), ordered by id, the first `limit`
   * whose id sorts after `after`. Profile strings compare case-insensitively.
   */
  listUsers(query: UserListQuery): Promise<User[]>;
  /**
   * Replaces the profile (and with it the login key) and stamps lastUpdated. Null for an unknown
   * user; ConflictError('login') when the new login belongs to another user.
   */
  updateProfile(userId: string, profile: UserProfile, now: Date): Promise<User | null>;
  /**
   * Moves the user to `to` only if the current status is one of `from`; true for the one caller
   * that moved it (concurrent transitions from the same status succeed once). Stamps
   * statusChanged and lastUpdated, and `activated` with `stampActivated`.
   */
  transitionUserStatus(
    userId: string,
    from: readonly UserStatus[],
    to: UserStatus,
    now: Date,
    options?: { stampActivated?: boolean },
  ): Promise<boolean>;
}
