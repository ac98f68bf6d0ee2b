import type { RequestContext } from '../audit/audit-event.js';
import { authEvent, recordEvent, unknownActor, userActor } from '../audit/auth-events.js';
import type { EventLog } from '../audit/event-log.js';
import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import type { FactorStore } from '../factors/factor-store.js';
import type { IdentityStore } from '../identity/identity-store.js';
import type { PasswordHasher } from '../identity/password-hasher.js';
import { normalizeLogin } from '../identity/user.js';
import type { Logger } from '../logger.js';
import { enforceLimit } from '../ratelimit/enforce.js';
import type { RateLimiter, RateLimitRule } from '../ratelimit/rate-limiter.js';
import type { SessionService, StartedSession } from '../session/session-service.js';
import { PasswordCheck, type PasswordCheckResult } from './password-check.js';

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
  /** System Log; optional so unit tests may leave it out. */
  events?: EventLog;
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

  private readonly passwords: PasswordCheck;

  constructor(private readonly o: PasswordLoginOptions) {
    this.passwords = new PasswordCheck(o);
    this.ipRule = { name: 'login:ip', limit: o.limits.perIp, windowMs: 60_000 };
    this.accountRule = { name: 'login:account', limit: o.limits.perAccount, windowMs: 60_000 };
  }

  async login(input: { login: string; password: string; ip: string; context?: RequestContext }): Promise<LoginResult> {
    const login = normalizeLogin(input.login);
    const now = this.o.clock.now();
    await enforceLimit(this.o.limiter, this.ipRule, input.ip, now);
    // Keyed by the submitted login, known or not, so the limit itself reveals nothing.
    await enforceLimit(this.o.limiter, this.accountRule, login, now);

    const checked = await this.passwords.check(login, input.password);
    if (checked.kind !== 'ok') {
      await this.recordFailure(login, checked, input.context);
      throw authenticationFailed();
    }
    const user = checked.user;
    if (user.status !== 'ACTIVE') {
      await recordEvent(this.o.events, authEvent('user.session.start', 'User login to Okta', userActor(user), 'FAILURE', { reason: `USER_STATUS_${user.status}` }), input.context);
      this.o.logger.info({ event: 'login.failed', userId: user.id, reason: user.status }, 'login failed');
      throw authenticationFailed();
    }
    await this.passwords.recordSuccess(user, input.password);

    const factors = await this.o.factors.listFactors(user.id);
    const emailFactor = factors.find((f) => f.factorType === 'email' && f.status === 'ACTIVE');
    if (emailFactor === undefined) {
      this.o.logger.info({ event: 'login.factor_not_active', userId: user.id }, 'login without active email factor');
      return { kind: 'factor_not_active', userId: user.id };
    }
    const started = await this.o.sessions.start(user, 'MFA_REQUIRED', ['pwd']);
    await recordEvent(this.o.events, authEvent('user.session.start', 'User login to Okta', userActor(user), 'SUCCESS', { reason: 'MFA_REQUIRED' }), input.context);
    this.o.logger.info({ event: 'session.start', userId: user.id, status: 'MFA_REQUIRED' }, 'session started');
    return { kind: 'session', started };
  }

  /** user.session.start FAILURE (and user.account.lock when this failure locked the account). */
  private async recordFailure(login: string, checked: Exclude<PasswordCheckResult, { kind: 'ok' }>, context: RequestContext | undefined): Promise<void> {
    if (checked.kind === 'unknown') {
      await recordEvent(this.o.events, authEvent('user.session.start', 'User login to Okta', unknownActor(login), 'FAILURE', { reason: 'VERIFICATION_ERROR' }), context);
      return;
    }
    const actor = userActor(checked.user);
    const reason = checked.kind === 'locked' || (checked.locked && !checked.lockedNow) ? 'LOCKED_OUT' : 'INVALID_CREDENTIALS';
    await recordEvent(this.o.events, authEvent('user.session.start', 'User login to Okta', actor, 'FAILURE', { reason }), context);
    if (checked.kind === 'wrong' && checked.lockedNow) {
      await recordEvent(this.o.events, authEvent('user.account.lock', 'Max sign in attempts exceeded', actor, 'SUCCESS', { reason: 'Max sign in attempts exceeded', severity: 'WARN' }), context);
    }
  }
}
