import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import type { Factor } from '../factors/factor.js';
import type { User } from '../identity/user.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mail-message.js';
import { otpMail } from '../mail/templates.js';
import { enforceLimit } from '../ratelimit/enforce.js';
import type { RateLimiter, RateLimitRule } from '../ratelimit/rate-limiter.js';
import type { OtpPurpose } from './otp-record.js';
import type { OtpService } from './otp-service.js';

export interface OtpSenderOptions {
  otps: OtpService;
  mailer: Mailer;
  limiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  productName: string;
  resendIntervalSeconds: number;
  sendsPerHour: number;
}

/**
 * Issues a code and mails it, throttled per factor (Okta: once per 5 s) and per account (hourly cap).
 * A failed delivery revokes the code, so the user can ask again at once.
 */
export class OtpSender {
  private readonly hourlyRule: RateLimitRule;

  constructor(private readonly o: OtpSenderOptions) {
    this.hourlyRule = { name: 'otp-send:hour', limit: o.sendsPerHour, windowMs: 3_600_000 };
  }

  async send(user: User, factor: Factor, purpose: OtpPurpose, lifetimeSeconds?: number): Promise<Date> {
    const now = this.o.clock.now();
    if (this.o.resendIntervalSeconds > 0) await this.ensureIntervalSinceLastCode(user.id, factor.id, now);
    await enforceLimit(this.o.limiter, this.hourlyRule, user.id, now);

    const { code, record } = await this.o.otps.issue(user.id, factor.id, purpose, lifetimeSeconds);
    const to = factor.profile.email ?? user.profile.email;
    const message = otpMail({
      to,
      code,
      purpose,
      expiresAt: record.expiresAt,
      lifetimeSeconds: lifetimeSeconds ?? this.o.otps.lifetimeSeconds,
      productName: this.o.productName,
      firstName: user.profile.firstName,
    });
    try {
      await this.o.mailer.send(message);
    } catch (error) {
      // The code never reached the user: kill it and let them ask again without waiting.
      await this.o.otps.revoke(user.id, factor.id, purpose);
      this.o.logger.error({ userId: user.id, factorId: factor.id, purpose, err: error }, 'otp mail not delivered');
      throw error instanceof AuthError ? error : new AuthError('mail_delivery_failed', 'Mail delivery failed', { cause: error });
    }
    this.o.logger.info({ userId: user.id, factorId: factor.id, purpose }, 'otp sent');
    return record.expiresAt;
  }

  // The newest live code's age gives the exact gap ("sent less than N s ago", as Okta words it); a
  // fixed window could let two sends straddle its boundary. Revoked codes (failed delivery) do not count.
  private async ensureIntervalSinceLastCode(userId: string, factorId: string, now: Date): Promise<void> {
    const intervalMs = this.o.resendIntervalSeconds * 1000;
    const latest = await this.o.otps.latestIssuedAt(userId, factorId);
    if (latest === null) return;
    const waitMs = latest.getTime() + intervalMs - now.getTime();
    if (waitMs > 0) {
      throw new AuthError('rate_limited', 'API call exceeded rate limit due to too many requests.', {
        retryAfterSeconds: Math.ceil(waitMs / 1000),
        limit: { limit: 1, remaining: 0, resetAt: new Date(now.getTime() + waitMs) },
      });
    }
  }
}
