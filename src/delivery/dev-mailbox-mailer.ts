import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Mailer, MailMessage } from '../core/mail/mail-message.js';
import type { MailboxStore } from '../core/mail/mailbox-store.js';
import { randomBase62, type Random } from '../core/random.js';

export interface DevMailboxMailerOptions {
  mailbox: MailboxStore;
  logger: Logger;
  clock: Clock;
  random: Random;
}

/** The first run of exactly six digits: how OTP templates write the code. */
const CODE = /(?<!\d)\d{6}(?!\d)/;

/**
 * DEVELOPMENT ONLY. Keeps mail in the dev mailbox instead of sending it, and writes one-time codes
 * to the log in clear so developers and tests can sign in without an SMTP server. Never wire this
 * in production: anyone who reads the logs could complete any sign-in.
 */
export class DevMailboxMailer implements Mailer {
  private readonly mailbox: MailboxStore;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: Random;

  constructor(options: DevMailboxMailerOptions) {
    this.mailbox = options.mailbox;
    this.logger = options.logger;
    this.clock = options.clock;
    this.random = options.random;
  }

  async send(message: MailMessage): Promise<void> {
    const id = randomBase62(this.random, 20);
    await this.mailbox.addMail({ ...message, id, createdAt: this.clock.now() });
    // Only OTP mail carries a code; other kinds could contain unrelated 6-digit numbers.
    const devCode = message.kind.startsWith('otp-') ? CODE.exec(message.text)?.[0] : undefined;
    this.logger.info(
      { mailId: id, to: message.to, subject: message.subject, kind: message.kind, ...(devCode === undefined ? {} : { devCode }) },
      'dev mailbox: mail stored, not sent',
    );
  }
}
