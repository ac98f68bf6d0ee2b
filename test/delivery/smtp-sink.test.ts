import { afterEach, describe, expect, it } from 'vitest';
import type { MailMessage } from '../../src/core/mail/mail-message.js';
import { SmtpMailer } from '../../src/delivery/smtp-mailer.js';
import { extractOtp, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

const mail = (to: string, text: string): MailMessage => ({ to, subject: text, text, html: `<p>${text}</p>`, kind: 'test' });

describe('smtp sink', () => {
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await sink?.close();
    sink = undefined;
  });

  it('hands out each message to an address once, in order, and waits for the next', async () => {
    sink = await startSmtpSink();
    const mailer = new SmtpMailer({ url: sink.url, from: 'no-reply@latchkey.test' });
    await mailer.send(mail('a@example.com', 'first 111111'));
    await mailer.send(mail('a@example.com', 'second 222222'));

    expect(extractOtp(await sink.waitForMail('A@example.com'))).toBe('111111');
    expect(extractOtp(await sink.waitForMail('a@example.com'))).toBe('222222');
    const third = sink.waitForMail('a@example.com');
    await mailer.send(mail('a@example.com', 'third 333333'));
    expect(extractOtp(await third)).toBe('333333');
  });

  it('with `after`, ignores the messages that arrived before that index', async () => {
    sink = await startSmtpSink();
    const mailer = new SmtpMailer({ url: sink.url, from: 'no-reply@latchkey.test' });
    await mailer.send(mail('b@example.com', 'old 111111'));
    const mark = sink.messages.length;
    await mailer.send(mail('b@example.com', 'new 222222'));
    expect(extractOtp(await sink.waitForMail('b@example.com', { after: mark }))).toBe('222222');
  });

  it('rejects with a clear message after the timeout', async () => {
    sink = await startSmtpSink();
    await expect(sink.waitForMail('nobody@example.com', { timeoutMs: 50 })).rejects.toThrow(
      'smtp sink: no mail to nobody@example.com within 50 ms',
    );
  });

  it('refuses the first N messages with a 4xx reply', async () => {
    sink = await startSmtpSink({ rejectFirst: 2 });
    const mailer = new SmtpMailer({ url: sink.url, from: 'no-reply@latchkey.test' });
    await expect(mailer.send(mail('c@example.com', 'x'))).rejects.toMatchObject({ responseCode: 451 });
    await expect(mailer.send(mail('c@example.com', 'x'))).rejects.toMatchObject({ responseCode: 451 });
    await mailer.send(mail('c@example.com', 'ok 123456'));
    expect(sink.messages).toHaveLength(1);
  });

  it('extractOtp throws when the text holds no 6-digit code', async () => {
    sink = await startSmtpSink();
    const mailer = new SmtpMailer({ url: sink.url, from: 'no-reply@latchkey.test' });
    await mailer.send(mail('d@example.com', 'no code 1234567 here'));
    expect(() => extractOtp(sink!.messages[0]!)).toThrow(/no 6-digit code/);
  });
});
