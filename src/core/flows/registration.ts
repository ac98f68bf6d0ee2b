import type { RequestContext } from '../audit/audit-event.js';
import { authEvent, recordEvent, userActor } from '../audit/auth-events.js';
import type { EventLog } from '../audit/event-log.js';
import type { Clock } from '../clock.js';
import { AuthError, ConflictError } from '../errors.js';
import type { Factor } from '../factors/factor.js';
import type { FactorStore } from '../factors/factor-store.js';
import type { IdentityStore } from '../identity/identity-store.js';
import type { PasswordHasher } from '../identity/password-hasher.js';
import { checkPassword } from '../identity/password-policy.js';
import { normalizeLogin, type User } from '../identity/user.js';
import type { Logger } from '../logger.js';
import type { OtpSender } from '../otp/otp-sender.js';
import type { OtpService } from '../otp/otp-service.js';
import { enforceLimit } from '../ratelimit/enforce.js';
import type { RateLimiter } from '../ratelimit/rate-limiter.js';
import { oktaId, type Random } from '../random.js';
import { factorTransition } from './factor-lifecycle.js';

export interface RegistrationOptions {
  identity: IdentityStore;
  factors: FactorStore;
  hasher: PasswordHasher;
  otps: OtpService;
  sender: OtpSender;
  clock: Clock;
  random: Random;
  logger: Logger;
  limiter: RateLimiter;
  verifyPerAccountPerMinute: number;
  /** System Log; optional so unit tests may leave it out. */
  events?: EventLog;
}

export interface RegisterInput {
  firstName: string;
  lastName: string;
  email: string;
  password: string;
}

/** Seed `/api/register` and `/api/activate`: a user with an email factor confirmed by a mailed code. */
export class Registration {
  constructor(private readonly o: RegistrationOptions) {}

  /**
   * Creates the user (ACTIVE, login = email) and a PENDING_ACTIVATION email factor, then mails
   * the enrolment code. A failed delivery does not undo the acknowledged user: `otpSent` is false
   * and `/api/activate` without a code asks again.
   */
  async register(input: RegisterInput, context?: RequestContext): Promise<{ userId: string; otpSent: boolean }> {
    const login = normalizeLogin(input.email);
    const causes = checkPassword(input.password, login);
    if (causes.length > 0) throw new AuthError('password_policy', 'Api validation failed: password', { causes });

    const now = this.o.clock.now();
    const passwordHash = await this.o.hasher.hash(input.password);
    let user: User;
    try {
      user = await this.o.identity.createUser({
        id: oktaId(this.o.random, '00u'),
        status: 'ACTIVE',
        profile: { firstName: input.firstName, lastName: input.lastName, email: input.email.trim(), login },
        passwordHash,
        now,
      });
    } catch (error) {
      if (error instanceof ConflictError) {
        throw new AuthError('duplicate_login', 'Api validation failed: login', {
          causes: [{ summary: 'login: An object with this field already exists in the current organization' }],
          cause: error,
        });
      }
      throw error;
    }
    await recordEvent(this.o.events, authEvent('user.lifecycle.create', 'Create okta user', userActor(user), 'SUCCESS'), context);
    const factor = await this.o.factors.createFactor({
      id: oktaId(this.o.random, 'emf'),
      userId: user.id,
      factorType: 'email',
      provider: 'OKTA',
      status: 'PENDING_ACTIVATION',
      profile: { email: user.profile.email },
      created: now,
      lastUpdated: now,
    });
    let otpSent = true;
    try {
      await this.o.sender.send(user, factor, 'enroll');
    } catch (error) {
      otpSent = false;
      this.o.logger.warn({ userId: user.id, err: error }, 'registered, but the enrolment code was not sent');
    }
    return { userId: user.id, otpSent };
  }

  /** Without a code: a fresh enrolment code (the old one dies). With one: the factor becomes ACTIVE. */
  async activate(userId: string, otp: string | undefined, context?: RequestContext): Promise<void> {
    const { user, factor } = await this.emailFactorOf(userId);
    if (otp === undefined) {
      if (factorTransition(factor.status, 'resend') === null) throw alreadyActive();
      await this.o.sender.send(user, factor, 'enroll');
      return;
    }
    if (factorTransition(factor.status, 'activate') === null) throw alreadyActive();
    await enforceLimit(
      this.o.limiter,
      { name: 'otp-verify:account', limit: this.o.verifyPerAccountPerMinute, windowMs: 60_000 },
      user.id,
      this.o.clock.now(),
    );
    await this.o.otps.verify(user.id, factor.id, 'enroll', otp);
    if (!(await this.o.factors.activateFactor(factor.id, this.o.clock.now()))) throw alreadyActive();
    await recordEvent(this.o.events, authEvent('user.mfa.factor.activate', 'Activate factor or authenticator', userActor(user), 'SUCCESS', { target: [{ id: factor.id, type: 'Factor', alternateId: 'email', displayName: 'Email Authentication' }] }), context);
  }

  private async emailFactorOf(userId: string): Promise<{ user: User; factor: Factor }> {
    const user = await this.o.identity.findUserById(userId);
    if (user === null) throw new AuthError('not_found', `Not found: Resource not found: ${userId} (User)`, { resource: 'User' });
    const factor = (await this.o.factors.listFactors(user.id)).find((f) => f.factorType === 'email');
    if (factor === undefined) {
      throw new AuthError('not_found', `Not found: Resource not found: email (UserFactor)`, { resource: 'UserFactor' });
    }
    return { user, factor };
  }
}

const alreadyActive = () =>
  new AuthError('operation_not_allowed', 'The email factor is already active', {
    causes: [{ summary: 'factor: The email factor is already active; use /api/mfa/verify' }],
  });
