import type { RequestContext } from '../audit/audit-event.js';
import { authEvent, recordEvent, userActor } from '../audit/auth-events.js';
import type { EventLog } from '../audit/event-log.js';
import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import type { Factor } from '../factors/factor.js';
import type { FactorStore } from '../factors/factor-store.js';
import type { IdentityStore } from '../identity/identity-store.js';
import type { User } from '../identity/user.js';
import type { Logger } from '../logger.js';
import type { OtpSender } from '../otp/otp-sender.js';
import type { OtpService } from '../otp/otp-service.js';
import { enforceLimit } from '../ratelimit/enforce.js';
import type { RateLimiter, RateLimitRule } from '../ratelimit/rate-limiter.js';
import type { SessionService } from '../session/session-service.js';
import { factorTransition } from './factor-lifecycle.js';
import { sessionTransition } from './session-lifecycle.js';

export interface MfaChallengeOptions {
  identity: IdentityStore;
  factors: FactorStore;
  otps: OtpService;
  sender: OtpSender;
  sessions: SessionService;
  limiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  verifyPerAccountPerMinute: number;
  /** System Log; optional so unit tests may leave it out. */
  events?: EventLog;
}

/** amr after a password and an emailed one-time code. */
export const EMAIL_MFA_AMR = ['pwd', 'otp', 'mfa'];

/**
 * Seed `/api/mfa/verify`: without a code, mail a challenge; with one, verify it and upgrade
 * sessions from MFA_REQUIRED to ACTIVE. With `sessionToken`, exactly that session is upgraded
 * (it must belong to the user). Without it, only the user's pending sessions created at or
 * before the moment the verified code was issued: a session opened later (e.g. by someone
 * else who knows the password) is not upgraded by an older code.
 */
export class MfaChallenge {
  private readonly verifyRule: RateLimitRule;

  constructor(private readonly o: MfaChallengeOptions) {
    this.verifyRule = { name: 'otp-verify:account', limit: o.verifyPerAccountPerMinute, windowMs: 60_000 };
  }

  async send(userId: string, context?: RequestContext): Promise<void> {
    const { user, factor } = await this.activeEmailFactor(userId, 'challenge');
    await this.o.sender.send(user, factor, 'challenge');
    await recordEvent(this.o.events, authEvent('system.email.mfa_challenge.sent_message', 'Send an email with MFA challenge to user', userActor(user), 'SUCCESS', { target: [{ id: factor.id, type: 'Factor', alternateId: 'email', displayName: 'Email Authentication' }] }), context);
    this.o.logger.info({ event: 'mfa.challenge', userId: user.id, factorId: factor.id }, 'mfa challenge sent');
  }

  async verify(input: { userId: string; otp: string; sessionToken?: string; context?: RequestContext }): Promise<{ upgraded: number }> {
    const now = this.o.clock.now();
    await enforceLimit(this.o.limiter, this.verifyRule, input.userId, now);
    const { user, factor } = await this.activeEmailFactor(input.userId, 'verify');

    let bound: string | null = null;
    if (input.sessionToken !== undefined) {
      const session = await this.o.sessions.resolve(input.sessionToken);
      if (session.userId !== user.id || sessionTransition(session.status, 'mfa_verified') === null) {
        throw new AuthError('invalid_session', 'Invalid session', { resource: 'Session' });
      }
      bound = session.tokenHash;
    }

    let record;
    try {
      record = await this.o.otps.verify(user.id, factor.id, 'challenge', input.otp);
    } catch (error) {
      this.o.logger.info({ event: 'mfa.verify_failed', userId: user.id }, 'mfa verification failed');
      await recordEvent(this.o.events, authEvent('user.authentication.auth_via_mfa', 'Authentication of user via MFA', userActor(user), 'FAILURE', { reason: 'INVALID_CREDENTIALS' }), input.context);
      throw error;
    }
    const upgraded =
      bound !== null
        ? Number(await this.o.sessions.completeMfa(bound, user.id, EMAIL_MFA_AMR))
        : await this.o.sessions.completeMfaForUser(user.id, record.createdAt, EMAIL_MFA_AMR);
    this.o.logger.info({ event: 'mfa.verified', userId: user.id, upgraded }, 'mfa verified');
    await recordEvent(this.o.events, authEvent('user.authentication.auth_via_mfa', 'Authentication of user via MFA', userActor(user), 'SUCCESS'), input.context);
    return { upgraded };
  }

  private async activeEmailFactor(userId: string, event: 'challenge' | 'verify'): Promise<{ user: User; factor: Factor }> {
    const user = await this.o.identity.findUserById(userId);
    if (user === null) throw new AuthError('not_found', `Not found: Resource not found: ${userId} (User)`, { resource: 'User' });
    const factor = (await this.o.factors.listFactors(user.id)).find((f) => f.factorType === 'email');
    if (factor === undefined || factorTransition(factor.status, event) === null) {
      throw new AuthError('operation_not_allowed', 'The email factor is not active', {
        causes: [{ summary: 'factor: Confirm the email address with /api/activate first' }],
      });
    }
    return { user, factor };
  }
}
