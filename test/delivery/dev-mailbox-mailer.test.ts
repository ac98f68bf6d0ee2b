import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { MailboxStore, StoredMail } from '../../src/core/mail/mailbox-store.js';
import { otpMail } from '../../src/core/mail/templates.js';
import { cryptoRandom } from '../../src/core/random.js';
import { DevMailboxMailer } from '../../src/delivery/dev-mailbox-mailer.js';
import { captureLogger } from './capture-logger.js';

/** Just enough MailboxStore for this test: the real ones have their own contract suite. */
class FakeMailbox implements MailboxStore {
  readonly mails: StoredMail[] = [];
  async addMail(mail: StoredMail): Promise<void> {
    this.mails.push(mail);
  }
  async listMail(options: { limit: number; to?: string }): Promise<StoredMail[]> {
    const to = options.to?.toLowerCase();
    return this.mails
      .filter((m) => to === undefined || m.to.toLowerCase() === to)
      .reverse()
      .slice(0, options.limit);
  }
  async findMail(id: string): Promise<StoredMail | null> {
    return this.mails.find((m) => m.id === id) ?? null;
  }
}

const setup = () => {
  const mailbox = new FakeMailbox();
  const logger = captureLogger();
  const clock = new ManualClock(new Date('2026-01-01T00:00:00.000Z'));
  const mailer = new DevMailboxMailer({ mailbox, logger, clock, random: cryptoRandom });
  return { mailbox, logger, clock, mailer };
};

describe('DevMailboxMailer', () => {
  it('stores an OTP mail and logs its code under devCode', async () => {
    const { mailbox, logger, mailer } = setup();
    const message = otpMail({
      to: 'ann@example.com',
      code: '007123',
      purpose: 'challenge',
      expiresAt: new Date('2026-01-01T00:05:00.000Z'),
      lifetimeSeconds: 300,
      productName: 'Latchkey',
    });
    await mailer.send(message);

    expect(mailbox.mails).toHaveLength(1);
    const stored = mailbox.mails[0]!;
    expect(stored).toMatchObject({ ...message, createdAt: new Date('2026-01-01T00:00:00.000Z') });
    expect(stored.id).toMatch(/^[0-9A-Za-z]{20}$/);
    expect(await mailbox.findMail(stored.id)).toBe(stored);

    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]).toMatchObject({
      level: 'info',
      obj: { mailId: stored.id, to: 'ann@example.com', subject: message.subject, kind: 'otp-challenge', devCode: '007123' },
    });
  });

  it('gives each mail its own id', async () => {
    const { mailbox, mailer } = setup();
    const message = { to: 'a@example.com', subject: 's', text: 't', html: '<p>h</p>', kind: 'notice' };
    await mailer.send(message);
    await mailer.send(message);
    expect(new Set(mailbox.mails.map((m) => m.id)).size).toBe(2);
  });

  it('logs no devCode for mail that is not an OTP mail', async () => {
    const { logger, mailer } = setup();
    await mailer.send({ to: 'a@example.com', subject: 'Order 123456', text: 'Order 123456 shipped', html: '', kind: 'notice' });
    expect(logger.entries[0]?.obj).not.toHaveProperty('devCode');
  });
});
