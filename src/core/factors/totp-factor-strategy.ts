import type { RequestContext } from '../audit/audit-event.js';
import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import { factorTransition } from '../flows/factor-lifecycle.js';
import type { User } from '../identity/user.js';
import { base32Decode, base32Encode } from '../otp/base32.js';
import { matchTotp, otpauthUri, TOTP_DEFAULTS } from '../otp/totp.js';
import { oktaId, type Random } from '../random.js';
import { enforceLimit } from '../ratelimit/enforce.js';
import type { RateLimiter, RateLimitRule } from '../ratelimit/rate-limiter.js';
import type { Factor, FactorProvider } from './factor.js';
import type { FactorStore } from './factor-store.js';
import type { ChallengeOutcome, EnrollInput, EnrollResult, FactorStrategy, VerifyOutcome } from './factor-strategy.js';
import type { SecretCipher } from './secret-cipher.js';
import { clearPendingEnrolment } from './enrolment.js';

export interface TotpFactorStrategyOptions {
  factors: FactorStore;
  cipher: SecretCipher;
  limiter: RateLimiter;
  clock: Clock;
  random: Random;
  /** The issuer shown in authenticator apps (PRODUCT_NAME). */
  issuer: string;
  /** Where the QR code image of an otpauth:// URI can be fetched (a short-lived ticket URL on this server). */
  qrCodeUrl: (otpauthUri: string) => string;
  /** Codes compared per factor per 5 minutes before 429 (Okta: 5). */
  maxAttempts: number;
}

/** 160 bits, RFC 4226's recommended shared secret length. */
const SECRET_BYTES = 20;
const WINDOW_STEPS = 1;
const PREFIX: Record<FactorProvider, string> = { OKTA: 'ost', GOOGLE: 'uft' };

const notAllowed = (message: string) => new AuthError('operation_not_allowed', message);
const invalidPasscode = () => new AuthError('invalid_passcode', 'Invalid Passcode/Answer');

/** The sealed secret is bound to its factor: a ciphertext copied onto another factor does not open. */
export const totpSecretContext = (factorId: string): string => `latchkey totp secret ${factorId}`;

/**
 * TOTP (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits, ±1 step for clock drift) for Okta's
 * `token:software:totp` with providers OKTA (Okta Verify) and GOOGLE (Google Authenticator).
 * The shared secret is stored sealed (AES-256-GCM); attempts are counted before the comparison;
 * the accepted time step is recorded atomically, so a code is accepted once (E0000082 after).
 */
export class TotpFactorStrategy implements FactorStrategy {
  readonly factorType = 'token:software:totp' as const;
  readonly providers = ['OKTA', 'GOOGLE'] as const;
  readonly amr = ['otp'] as const;
  private readonly attemptRule: RateLimitRule;

  constructor(private readonly o: TotpFactorStrategyOptions) {
    this.attemptRule = { name: 'totp-attempt:factor', limit: o.maxAttempts, windowMs: 5 * 60_000 };
  }

  async enroll(user: User, input: EnrollInput, _context: RequestContext | null): Promise<EnrollResult> {
    const provider = input.provider;
    if (!this.providers.includes(provider)) {
      throw new AuthError('validation_failed', 'provider', { causes: [{ summary: 'provider: The provider is not supported for this factor type.', location: 'provider' }] });
    }
    const existing = (await this.o.factors.listFactors(user.id)).find((f) => f.factorType === this.factorType && f.provider === provider);
    await clearPendingEnrolment(this.o.factors, existing);
    const now = this.o.clock.now();
    const id = oktaId(this.o.random, PREFIX[provider]);
    const secret = base32Encode(this.o.random.bytes(SECRET_BYTES));
    const factor = await this.o.factors.createFactor(
      {
        id,
        userId: user.id,
        factorType: this.factorType,
        provider,
        status: input.activateNow ? 'ACTIVE' : 'PENDING_ACTIVATION',
        profile: { credentialId: user.profile.login },
        created: now,
        lastUpdated: now,
      },
      { sealedSecret: this.o.cipher.seal(secret, totpSecretContext(id)) },
    );
    const uri = otpauthUri({ secretBase32: secret, issuer: this.o.issuer, account: user.profile.login });
    return {
      factor,
      activation: {
        timeStep: TOTP_DEFAULTS.stepSeconds,
        sharedSecret: secret,
        encoding: 'base32',
        keyLength: TOTP_DEFAULTS.digits,
        _links: { qrcode: { href: this.o.qrCodeUrl(uri), type: 'image/png' } },
      },
    };
  }

  async resendActivation(): Promise<void> {
    throw notAllowed('A TOTP factor has nothing to resend; enroll it again for a new secret');
  }

  async activate(user: User, factor: Factor, passCode: string | undefined): Promise<void> {
    if (factorTransition(factor.status, 'activate') === null) throw notAllowed('The factor is already active');
    await this.check(factor, passCode);
    if (!(await this.o.factors.activateFactor(factor.id, this.o.clock.now()))) throw notAllowed('The factor is already active');
  }

  async challenge(_user: User, factor: Factor): Promise<ChallengeOutcome> {
    if (factorTransition(factor.status, 'challenge') === null) throw notAllowed('The factor is not active');
    return { kind: 'none' };
  }

  async verify(_user: User, factor: Factor, answer: { passCode?: string }): Promise<VerifyOutcome> {
    if (factorTransition(factor.status, 'verify') === null) throw notAllowed('The factor is not active');
    await this.check(factor, answer.passCode);
    return { result: 'SUCCESS' };
  }

  private async check(factor: Factor, passCode: string | undefined): Promise<void> {
    if (passCode === undefined) throw invalidPasscode();
    const now = this.o.clock.now();
    // Counted before the comparison: parallel guesses cannot exceed the limit.
    await enforceLimit(this.o.limiter, this.attemptRule, factor.id, now);
    const sealed = await this.o.factors.findFactorSecret(factor.id);
    const secret = sealed === null ? null : this.o.cipher.open(sealed, totpSecretContext(factor.id));
    if (secret === null) {
      // A lost or rotated-away FACTOR_SECRET_KEY: no code can ever match; say so in the logs, not to the caller.
      throw new AuthError('internal', `TOTP secret of factor ${factor.id} cannot be opened (FACTOR_SECRET_KEY changed?)`);
    }
    const step = matchTotp(base32Decode(secret), passCode.trim(), now, WINDOW_STEPS);
    if (step === null) throw invalidPasscode();
    if (!(await this.o.factors.advanceTotpStep(factor.id, step))) {
      throw new AuthError('passcode_replayed', 'Each code can only be used once. Please wait for a new code and try again.');
    }
    await this.o.limiter.reset(this.attemptRule, factor.id, now);
  }
}
