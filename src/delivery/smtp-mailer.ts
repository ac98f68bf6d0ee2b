import nodemailer from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Transporter } from 'nodemailer';
import type { Mailer, MailMessage } from '../core/mail/mail-message.js';

export interface SmtpMailerOptions {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465 (implicit TLS). */
  url: string;
  /** The From header, e.g. `Latchkey <no-reply@example.com>`. */
  from: string;
  /** Applied to each of connect, greeting and socket inactivity; default 10 s. */
  timeoutMs?: number;
}

/** Delivers mail over SMTP; throws nodemailer's error when the server refuses or cannot be reached. */
export class SmtpMailer implements Mailer {
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly from: string;

  constructor(options: SmtpMailerOptions) {
    const protocol = parseProtocol(options.url);
    if (protocol !== 'smtp:' && protocol !== 'smtps:') {
      // The URL is not echoed: it carries the SMTP password.
      throw new TypeError(`SmtpMailer: url must be smtp:// or smtps://, got ${protocol ?? 'an unparsable URL'}`);
    }
    const timeoutMs = options.timeoutMs ?? 10_000;
    // createTransport({ url, ...timeouts }) would silently drop the timeouts (it keeps only what the
    // URL says), and nodemailer's own defaults (2 min connect, 10 min socket) make a dead server hang
    // the request. SMTPTransport merges the URL with the options, so build it ourselves.
    const transport = new SMTPTransport({
      url: options.url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
    });
    this.transporter = nodemailer.createTransport(transport);
    this.from = options.from;
  }

  async send(message: MailMessage): Promise<void> {
    await this.transporter.sendMail({
      from: this.from,
      // An address object, not a string: nodemailer would split "a@x, b@y" into two recipients.
      to: { name: '', address: message.to },
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
  }

  close(): void {
    this.transporter.close();
  }
}

function parseProtocol(url: string): string | undefined {
  try {
    return new URL(url).protocol;
  } catch {
    return undefined;
  }
}
