import type { RequestContext } from '../audit/audit-event.js';
import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import { factorTransition } from '../flows/factor-lifecycle.js';
import type { User } from '../identity/user.js';
import type { OtpSender } from '../otp/otp-sender.js';
import type { OtpService } from '../otp/otp-service.js';
import { oktaId, type Random } from '../random.js';
import type { Factor } from './factor.js';
import type { FactorStore } from './factor-store.js';
import type { ChallengeOutcome, EnrollInput, EnrollResult, FactorStrategy, VerifyOutcome } from './factor-strategy.js';
import { factorAlreadySetUp } from './enrolment.js';

export interface EmailFactorStrategyOptions {
  factors: FactorStore;
  otps: OtpService;
  sender: OtpSender;
  clock: Clock;
  random: Random;
}

const notAllowed = (message: string) => new AuthError('operation_not_allowed', message);

/** The email factor: a 6-digit code mailed for activation (purpose enroll) and for each sign-in (challenge). */
export class EmailFactorStrategy implements FactorStrategy {
  readonly factorType = 'email' as const;
  readonly providers = ['OKTA'] as const;
  readonly amr = ['otp'] as const;

  constructor(private readonly o: EmailFactorStrategyOptions) {}

  async enroll(user: User, input: EnrollInput, _context: RequestContext | null): Promise<EnrollResult> {
    const email = (input.profile.email ?? user.profile.email).trim();
    // Only the user's own (verified) address, as Okta requires.
    if (email.toLowerCase() !== user.profile.email.toLowerCase()) {
      throw new AuthError('validation_failed', 'profile.email', {
        causes: [{ summary: 'Only verified primary or secondary email can be enrolled.', location: 'profile.email' }],
      });
    }
    const existing = (await this.o.factors.listFactors(user.id)).find((f) => f.factorType === 'email');
    if (existing !== undefined) throw factorAlreadySetUp();
    const now = this.o.clock.now();
    const factor = await this.o.factors.createFactor({
      id: oktaId(this.o.random, 'emf'),
      userId: user.id,
      factorType: 'email',
      provider: 'OKTA',
      status: input.activateNow ? 'ACTIVE' : 'PENDING_ACTIVATION',
      profile: { email },
      created: now,
      lastUpdated: now,
    });
    if (!input.activateNow) await this.o.sender.send(user, factor, 'enroll', input.tokenLifetimeSeconds);
    return { factor };
  }

  async resendActivation(user: User, factor: Factor): Promise<void> {
    if (factorTransition(factor.status, 'resend') === null) throw notAllowed('The factor is already active');
    await this.o.sender.send(user, factor, 'enroll');
  }

  async activate(user: User, factor: Factor, passCode: string | undefined): Promise<void> {
    if (factorTransition(factor.status, 'activate') === null) throw notAllowed('The factor is already active');
    if (passCode === undefined) throw new AuthError('invalid_passcode', 'Invalid Passcode/Answer');
    await this.o.otps.verify(user.id, factor.id, 'enroll', passCode);
    if (!(await this.o.factors.activateFactor(factor.id, this.o.clock.now()))) throw notAllowed('The factor is already active');
  }

  async challenge(user: User, factor: Factor): Promise<ChallengeOutcome> {
    if (factorTransition(factor.status, 'challenge') === null) throw notAllowed('The factor is not active');
    const expiresAt = await this.o.sender.send(user, factor, 'challenge');
    return { kind: 'sent', expiresAt };
  }

  async verify(user: User, factor: Factor, answer: { passCode?: string }): Promise<VerifyOutcome> {
    if (factorTransition(factor.status, 'verify') === null) throw notAllowed('The factor is not active');
    if (answer.passCode === undefined) throw new AuthError('invalid_passcode', 'Invalid Passcode/Answer');
    await this.o.otps.verify(user.id, factor.id, 'challenge', answer.passCode);
    return { result: 'SUCCESS' };
  }
}
