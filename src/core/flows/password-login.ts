import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import type { FactorStore } from '../factors/factor-store.js';
import type { IdentityStore } from '../identity/identity-store.js';
import type { PasswordHasher } from '../identity/password-hasher.js';
import { normalizeLogin, type User } from '../identity/user.js';
import type { Logger } from '../logger.js';
import { enforceLimit } from '../ratelimit/enforce.js';
import type { RateLimiter, RateLimitRule } from '../ratelimit/rate-limiter.js';
import type { SessionService, StartedSession } from '../session/session-service.js';

export interface PasswordLoginOptions {
  identity: IdentityStore;
  factors: FactorStore;
  hasher: PasswordHasher;
  sessions: SessionService;
  limiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  lockout: { threshold: number; durationSeconds: number };
  limits: { perIp: number; perAccount: number };
}

export type LoginResult =
  | { kind: 'factor_not_active'; userId: string }
  | { kind: 'session'; started: StartedSession };

const authenticationFailed = () => new AuthError('authentication_failed', 'Authentication failed');

/**
 * Seed `/api/login`. Unknown user, wrong password, locked or inactive account all take one
 * argon2id verification and end in the same authentication_failed error.
 */
export class PasswordLogin {
  private readonly ipRule: RateLimitRule;
  private readonly accountRule: RateLimitRule;

  constructor(private readonly o: PasswordLoginOptions) {
    this.ipRule = { name: 'login:ip', limit: o.limits.perIp, windowMs: 60_000 };
    this.accountRule = { name: 'login:account', limit: o.limits.perAccount, windowMs: 60_000 };
  }

  async login(input: { login: string; password: string; ip: string }): Promise<LoginResult> {
    const login = normalizeLogin(input.login);
    const now = this.o.clock.now();
    await enforceLimit(this.o.limiter, this.ipRule, input.ip, now);
    // Keyed by the submitted login, known or not, so the limit itself reveals nothing.
    await enforceLimit(this.o.limiter, this.accountRule, login, now);

    const user = await this.o.identity.findUserByLogin(login);
    if (user === null || user.passwordHash === null) {
      await this.o.hasher.verify(await this.o.hasher.dummyHash(), input.password);
      this.o.logger.info({ event: 'login.failed', reason: 'unknown_user' }, 'login failed');
      throw authenticationFailed();
    }
    const passwordOk = await this.o.hasher.verify(user.passwordHash, input.password);
    const locked = this.isLocked(user, now);
    if (user.status === 'LOCKED_OUT' && !locked && (await this.o.identity.unlockUser(user.id, now))) {
      // The lock has run its time: start counting failures afresh.
      user.status = 'ACTIVE';
      user.failedLogins = 0;
    }
    if (!passwordOk) {
      await this.recordFailure(user, now, locked);
      throw authenticationFailed();
    }
    if (locked || user.status !== 'ACTIVE') {
      this.o.logger.info({ event: 'login.failed', userId: user.id, reason: locked ? 'locked' : user.status }, 'login failed');
      throw authenticationFailed();
    }

    await this.o.identity.recordLoginSuccess(user.id, now);
    if (this.o.hasher.needsRehash(user.passwordHash)) {
      await this.o.identity.updatePasswordHash(user.id, await this.o.hasher.hash(input.password), now);
    }

    const factors = await this.o.factors.listFactors(user.id);
    const emailFactor = factors.find((f) => f.factorType === 'email' && f.status === 'ACTIVE');
    if (emailFactor === undefined) {
      this.o.logger.info({ event: 'login.factor_not_active', userId: user.id }, 'login without active email factor');
      return { kind: 'factor_not_active', userId: user.id };
    }
    const started = await this.o.sessions.start(user, 'MFA_REQUIRED', ['pwd']);
    this.o.logger.info({ event: 'session.start', userId: user.id, status: 'MFA_REQUIRED' }, 'session started');
    return { kind: 'session', started };
  }

  /** LOCKED_OUT until the lockout duration has passed (0: until an administrator unlocks). */
  private isLocked(user: User, now: Date): boolean {
    if (user.status !== 'LOCKED_OUT') return false;
    if (this.o.lockout.durationSeconds === 0 || user.statusChanged === null) return true;
    return now.getTime() < user.statusChanged.getTime() + this.o.lockout.durationSeconds * 1000;
  }

  private async recordFailure(user: User, now: Date, locked: boolean): Promise<void> {
    const failures = await this.o.identity.recordLoginFailure(user.id, now);
    if (!locked && failures >= this.o.lockout.threshold && user.status === 'ACTIVE') {
      await this.o.identity.setUserStatus(user.id, 'LOCKED_OUT', now);
      this.o.logger.warn({ event: 'user.locked', userId: user.id, failures }, 'account locked');
    } else {
      this.o.logger.info({ event: 'login.failed', userId: user.id, reason: 'password', failures }, 'login failed');
    }
  }
}
