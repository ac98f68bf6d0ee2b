import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../src/core/errors.js';
import type { Mailer, MailMessage } from '../../src/core/mail/mail-message.js';
import { otpMail } from '../../src/core/mail/templates.js';
import { RetryingMailer } from '../../src/delivery/retrying-mailer.js';
import { SmtpMailer } from '../../src/delivery/smtp-mailer.js';
import { extractOtp, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { captureLogger } from './capture-logger.js';

const CODE = '271828';
const message = (to: string): MailMessage =>
  otpMail({
    to,
    code: CODE,
    purpose: 'challenge',
    expiresAt: new Date('2026-01-01T00:05:00.000Z'),
    lifetimeSeconds: 300,
    productName: 'Latchkey',
  });
const noSleep = async (): Promise<void> => {};

describe('RetryingMailer over a real SMTP server', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ rejectFirst: 1 });
  });
  afterAll(async () => {
    await sink.close();
  });

  it('succeeds after the server rejects the first message', async () => {
    const logger = captureLogger();
    const inner = new SmtpMailer({ url: sink.url, from: 'no-reply@latchkey.test' });
    const mailer = new RetryingMailer({ inner, sleep: noSleep, logger });
    await mailer.send(message('retry@example.com'));

    expect(extractOtp(await sink.waitForMail('retry@example.com'))).toBe(CODE);
    expect(sink.messages.filter((m) => m.subject === message('x').subject)).toHaveLength(1);
    expect(logger.entries.map((e) => e.level)).toEqual(['warn']);
    expect(logger.entries[0]?.obj).toMatchObject({ attempt: 1, attempts: 3, to: 'retry@example.com', kind: 'otp-challenge' });
    expect((logger.entries[0]?.obj as { err: { responseCode?: number } }).err.responseCode).toBe(451);
  });

  it('throws mail_delivery_failed, with the last error as cause, once every attempt failed', async () => {
    const logger = captureLogger();
    const inner = new SmtpMailer({ url: sink.url, from: 'no-reply@latchkey.test' });
    const mailer = new RetryingMailer({ inner, attempts: 3, sleep: noSleep, logger });
    sink.setRejectNext(3);
    const before = sink.messages.length;

    const err = await mailer.send(message('doomed@example.com')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).code).toBe('mail_delivery_failed');
    expect((err as AuthError).cause).toMatchObject({ responseCode: 451 });
    expect(sink.messages.length).toBe(before);
    expect(logger.entries.map((e) => e.level)).toEqual(['warn', 'warn', 'error']);
    // The code travels in the bodies only; no log entry may carry it.
    for (const entry of logger.entries) {
      expect(JSON.stringify(entry.obj)).not.toContain(CODE);
      expect(entry.obj).not.toHaveProperty('text');
      expect(entry.obj).not.toHaveProperty('html');
      expect(entry.obj).not.toHaveProperty('subject');
    }
  });
});

describe('RetryingMailer backoff', () => {
  const failing = (failures: number): Mailer & { calls: number } => {
    const mailer = {
      calls: 0,
      async send(): Promise<void> {
        mailer.calls++;
        if (mailer.calls <= failures) throw new Error(`failure ${mailer.calls}`);
      },
    };
    return mailer;
  };

  it('waits 200 ms then 1000 ms by default, and tries 3 times', async () => {
    const waits: number[] = [];
    const inner = failing(10);
    const mailer = new RetryingMailer({ inner, logger: captureLogger(), sleep: async (ms) => void waits.push(ms) });
    await expect(mailer.send(message('a@example.com'))).rejects.toMatchObject({
      code: 'mail_delivery_failed',
      cause: new Error('failure 3'),
    });
    expect(inner.calls).toBe(3);
    expect(waits).toEqual([200, 1000]);
  });

  it('repeats the last backoff entry when there are more attempts than entries', async () => {
    const waits: number[] = [];
    const inner = failing(4);
    const mailer = new RetryingMailer({ inner, attempts: 5, logger: captureLogger(), sleep: async (ms) => void waits.push(ms) });
    await mailer.send(message('a@example.com'));
    expect(inner.calls).toBe(5);
    expect(waits).toEqual([200, 1000, 1000, 1000]);
  });

  it('does not retry or log when the first send succeeds', async () => {
    const logger = captureLogger();
    const inner = failing(0);
    await new RetryingMailer({ inner, logger, sleep: noSleep }).send(message('a@example.com'));
    expect(inner.calls).toBe(1);
    expect(logger.entries).toEqual([]);
  });
});
