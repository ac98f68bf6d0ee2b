import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otpMail } from '../../src/core/mail/templates.js';
import { SmtpMailer } from '../../src/delivery/smtp-mailer.js';
import { extractOtp, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

const message = (to: string, code = '314159') =>
  otpMail({
    to,
    code,
    purpose: 'enroll',
    expiresAt: new Date('2026-01-01T00:10:00.000Z'),
    lifetimeSeconds: 600,
    productName: 'Latchkey',
    firstName: 'Ann',
  });

/** A port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('SmtpMailer', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
  });

  it('delivers from, to, subject and both bodies to a real SMTP server', async () => {
    const mailer = new SmtpMailer({ url: sink.url, from: 'Latchkey <no-reply@latchkey.test>' });
    const sent = message('Ann@Example.com');
    await mailer.send(sent);
    mailer.close();

    const mail = await sink.waitForMail('ann@example.com');
    expect(mail.from?.value).toEqual([{ name: 'Latchkey', address: 'no-reply@latchkey.test' }]);
    expect(mail.to).toMatchObject({ value: [{ address: 'Ann@example.com' }] });
    expect(mail.subject).toBe(sent.subject);
    expect(mail.text?.trim()).toBe(sent.text.trim());
    expect(mail.html).toContain('314159');
    expect(mail.html).toContain('confirm your email address for Latchkey');
    expect(extractOtp(mail)).toBe('314159');
  });

  it('authenticates with credentials from the URL', async () => {
    const url = sink.url.replace('smtp://', 'smtp://mailer:s%40cret@');
    const mailer = new SmtpMailer({ url, from: 'no-reply@latchkey.test' });
    await mailer.send(message('auth@example.com'));
    expect(extractOtp(await sink.waitForMail('auth@example.com'))).toBe('314159');
  });

  it('treats the whole `to` as one address, never as a list', async () => {
    const mailer = new SmtpMailer({ url: sink.url, from: 'no-reply@latchkey.test' });
    const before = sink.messages.length;
    // One malformed address, refused by the server, rather than two recipients.
    await expect(mailer.send(message('victim@example.com, attacker@example.com'))).rejects.toThrow(/recipients were rejected/);
    expect(sink.messages.length).toBe(before);
  });

  it('fails fast when nothing listens on the port', async () => {
    const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${await closedPort()}`, from: 'no-reply@latchkey.test', timeoutMs: 5_000 });
    const started = Date.now();
    await expect(mailer.send(message('ann@example.com'))).rejects.toMatchObject({ code: 'ESOCKET' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('gives up on a server that accepts the connection but never greets, after timeoutMs', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'no-reply@latchkey.test', timeoutMs: 300 });
      const started = Date.now();
      await expect(mailer.send(message('ann@example.com'))).rejects.toMatchObject({ code: 'ETIMEDOUT' });
      // nodemailer's default greeting timeout is 30 s; ours must be the one that fired.
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('refuses a URL that is not smtp:// or smtps:// without echoing it', () => {
    expect(() => new SmtpMailer({ url: 'http://user:hunter2@mail.test', from: 'x@y.test' })).toThrow(/http:/);
    expect(() => new SmtpMailer({ url: 'http://user:hunter2@mail.test', from: 'x@y.test' })).not.toThrow(/hunter2/);
    expect(() => new SmtpMailer({ url: 'not a url', from: 'x@y.test' })).toThrow(TypeError);
  });
});
