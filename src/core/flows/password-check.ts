import type { Clock } from '../clock.js';
import type { IdentityStore } from '../identity/identity-store.js';
import type { PasswordHasher } from '../identity/password-hasher.js';
import { normalizeLogin, type User } from '../identity/user.js';
import type { Logger } from '../logger.js';

export interface PasswordCheckOptions {
  identity: IdentityStore;
  hasher: PasswordHasher;
  clock: Clock;
  logger: Logger;
  lockout: { threshold: number; durationSeconds: number };
}

/**
 * What a password check found. Callers turn every outcome except `ok` into one and the same
 * answer unless they are configured to reveal lockouts (Okta's showLockoutFailures).
 * - `unknown`: no such user, or a user without a password (a dummy hash was verified);
 * - `wrong`: the password did not match (the failure was counted; `lockedNow` when it locked the account);
 * - `locked`: the password matched but the account is locked;
 * - `ok`: the password matched and the account is not locked (any other status is the caller's call).
 */
export type PasswordCheckResult =
  | { kind: 'unknown' }
  | { kind: 'wrong'; user: User; lockedNow: boolean; locked: boolean }
  | { kind: 'locked'; user: User }
  | { kind: 'ok'; user: User };

/**
 * The one password verification shared by the seed `/api/login` and Okta's `/api/v1/authn`:
 * unknown users cost one argon2id verification against a dummy hash, failures are counted and
 * lock the account at the threshold, an expired lock is lifted, a success resets the counter and
 * rehashes when the parameters rose. Every path takes exactly one hash verification.
 */
export class PasswordCheck {
  constructor(private readonly o: PasswordCheckOptions) {}

  async check(submittedLogin: string, password: string): Promise<PasswordCheckResult> {
    const login = normalizeLogin(submittedLogin);
    const now = this.o.clock.now();
    const user = await this.o.identity.findUserByLogin(login);
    if (user === null || user.passwordHash === null) {
      await this.o.hasher.verify(await this.o.hasher.dummyHash(), password);
      this.o.logger.info({ event: 'login.failed', reason: 'unknown_user' }, 'login failed');
      return { kind: 'unknown' };
    }
    const passwordOk = await this.o.hasher.verify(user.passwordHash, password);
    const locked = this.isLocked(user, now);
    if (user.status === 'LOCKED_OUT' && !locked && (await this.o.identity.unlockUser(user.id, now))) {
      // The lock has run its time: start counting failures afresh.
      user.status = 'ACTIVE';
      user.failedLogins = 0;
    }
    if (!passwordOk) {
      const lockedNow = await this.recordFailure(user, now, locked);
      return { kind: 'wrong', user, lockedNow, locked: locked || lockedNow };
    }
    if (locked) {
      this.o.logger.info({ event: 'login.failed', userId: user.id, reason: 'locked' }, 'login failed');
      return { kind: 'locked', user };
    }
    return { kind: 'ok', user };
  }

  /** After an `ok` the caller accepted: resets the failure counter, stamps lastLogin, rehashes if due. */
  async recordSuccess(user: User, password: string): Promise<void> {
    const now = this.o.clock.now();
    await this.o.identity.recordLoginSuccess(user.id, now);
    if (user.passwordHash !== null && this.o.hasher.needsRehash(user.passwordHash)) {
      await this.o.identity.updatePasswordHash(user.id, await this.o.hasher.hash(password), now);
    }
  }

  /** Verifies a user's current password without lockout bookkeeping (change-password's oldPassword). */
  async verifyCurrent(user: User, password: string): Promise<boolean> {
    if (user.passwordHash === null) {
      await this.o.hasher.verify(await this.o.hasher.dummyHash(), password);
      return false;
    }
    return this.o.hasher.verify(user.passwordHash, password);
  }

  /** LOCKED_OUT until the lockout duration has passed (0: until an administrator unlocks). */
  private isLocked(user: User, now: Date): boolean {
    if (user.status !== 'LOCKED_OUT') return false;
    if (this.o.lockout.durationSeconds === 0 || user.statusChanged === null) return true;
    return now.getTime() < user.statusChanged.getTime() + this.o.lockout.durationSeconds * 1000;
  }

  /** Counts the failure; true when this failure locked the account. */
  private async recordFailure(user: User, now: Date, locked: boolean): Promise<boolean> {
    const failures = await this.o.identity.recordLoginFailure(user.id, now);
    if (!locked && failures >= this.o.lockout.threshold && user.status === 'ACTIVE') {
      await this.o.identity.setUserStatus(user.id, 'LOCKED_OUT', now);
      this.o.logger.warn({ event: 'user.locked', userId: user.id, failures }, 'account locked');
      return true;
    }
    this.o.logger.info({ event: 'login.failed', userId: user.id, reason: 'password', failures }, 'login failed');
    return false;
  }
}
