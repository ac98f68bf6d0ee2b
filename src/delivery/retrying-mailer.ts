import { AuthError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Mailer, MailMessage } from '../core/mail/mail-message.js';

export interface RetryingMailerOptions {
  inner: Mailer;
  /** Total tries, the first included; default 3. */
  attempts?: number;
  /** Wait before retry n is backoffMs[n - 1], the last entry repeating; default [200, 1000]. */
  backoffMs?: number[];
  /** Injected so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  logger: Logger;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retries a failed send a few times (SMTP relays fail transiently: 4xx greylisting, restarts), then
 * throws `mail_delivery_failed` with the last error as `cause`. Every try sends the same message.
 */
export class RetryingMailer implements Mailer {
  private readonly inner: Mailer;
  private readonly attempts: number;
  private readonly backoffMs: number[];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;

  constructor(options: RetryingMailerOptions) {
    this.inner = options.inner;
    this.attempts = Math.max(1, Math.floor(options.attempts ?? 3));
    this.backoffMs = options.backoffMs ?? [200, 1000];
    this.sleep = options.sleep ?? defaultSleep;
    this.logger = options.logger;
  }

  async send(message: MailMessage): Promise<void> {
    // Only routing facts are logged: the subject and bodies may hold the one-time code.
    const context = { to: message.to, kind: message.kind, attempts: this.attempts };
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        await this.inner.send(message);
        return;
      } catch (err) {
        lastError = err;
        if (attempt === this.attempts) break;
        const delayMs = this.backoffMs[Math.min(attempt - 1, this.backoffMs.length - 1)] ?? 0;
        this.logger.warn({ ...context, err, attempt, retryInMs: delayMs }, 'mail delivery failed, retrying');
        await this.sleep(delayMs);
      }
    }
    this.logger.error({ ...context, err: lastError, attempt: this.attempts }, 'mail delivery failed, giving up');
    throw new AuthError('mail_delivery_failed', `mail could not be delivered after ${this.attempts} attempts`, {
      cause: lastError,
    });
  }
}
