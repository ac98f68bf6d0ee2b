import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

export interface SmtpSink {
  /** smtp://127.0.0.1:<port>, ready for SmtpMailer. */
  url: string;
  port: number;
  /** Every accepted message, in arrival order (rejected ones are not kept). */
  messages: ParsedMail[];
  /**
   * The first message to `to` (case-insensitive, envelope or To header) with index >= `after`
   * (take `sink.messages.length` before the action); without `after`, the first one not yet
   * returned by an earlier waitForMail for that address. Rejects after `timeoutMs` (default 5 s).
   */
  waitForMail(to: string, options?: { timeoutMs?: number; after?: number }): Promise<ParsedMail>;
  /** The next `n` messages are refused with `451` after DATA, to exercise retries. */
  setRejectNext(n: number): void;
  close(): Promise<void>;
}

interface Waiter {
  to: string;
  after: number | undefined;
  resolve: (mail: ParsedMail) => void;
  reject: (err: Error) => void;
}

/** A real SMTP server on 127.0.0.1 (ephemeral port, no TLS, any or no auth) that keeps what it receives. */
export async function startSmtpSink(options: { rejectFirst?: number } = {}): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  /** Lower-cased recipients (envelope + To header) of each message, parallel to `messages`. */
  const recipients: Set<string>[] = [];
  /** Per address: indexes already handed out by waitForMail. */
  const returned = new Map<string, Set<number>>();
  const waiters: Waiter[] = [];
  let rejectNext = options.rejectFirst ?? 0;

  const find = (to: string, after: number | undefined): number => {
    const taken = returned.get(to);
    return messages.findIndex(
      (_, i) => recipients[i]?.has(to) === true && (after === undefined ? !taken?.has(i) : i >= after),
    );
  };
  const take = (to: string, index: number): ParsedMail => {
    const taken = returned.get(to) ?? new Set<number>();
    taken.add(index);
    returned.set(to, taken);
    const mail = messages[index];
    if (mail === undefined) throw new Error(`smtp sink: no message at index ${index}`);
    return mail;
  };
  const serveWaiters = (): void => {
    // In order, so two waiters for one address get two different messages.
    for (const waiter of [...waiters]) {
      const index = find(waiter.to, waiter.after);
      if (index < 0) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(take(waiter.to, index));
    }
  };

  const server = new SMTPServer({
    authOptional: true,
    // Accept whatever credentials the URL carries: the sink tests delivery, not SMTP auth.
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // No reverse DNS for 127.0.0.1: it only slows every connection down.
    disableReverseLookup: true,
    onData(stream, session, callback) {
      // Read the whole message before answering, whatever the answer, so the client sees a clean reply.
      simpleParser(stream)
        .then((mail) => {
          if (rejectNext > 0) {
            rejectNext--;
            const err: SMTPServerError = new Error('smtp sink: rejected on request, try again later');
            err.responseCode = 451;
            callback(err);
            return;
          }
          const envelope = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          recipients.push(new Set([...envelope, ...headerAddresses(mail.to)]));
          messages.push(mail);
          callback();
          serveWaiters();
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    waitForMail(to, waitOptions = {}) {
      const address = to.toLowerCase();
      const timeoutMs = waitOptions.timeoutMs ?? 5_000;
      const index = find(address, waitOptions.after);
      if (index >= 0) return Promise.resolve(take(address, index));
      return new Promise<ParsedMail>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          const seen = recipients.map((r) => [...r].join(',')).join('; ') || 'none';
          reject(new Error(`smtp sink: no mail to ${to} within ${timeoutMs} ms (received ${messages.length}: ${seen})`));
        }, timeoutMs);
        const waiter: Waiter = {
          to: address,
          after: waitOptions.after,
          resolve: (mail) => {
            clearTimeout(timer);
            resolve(mail);
          },
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        waiters.push(waiter);
      });
    },
    setRejectNext(n) {
      rejectNext = n;
    },
    close() {
      for (const waiter of waiters.splice(0)) waiter.reject(new Error('smtp sink: closed while waiting for mail'));
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function headerAddresses(header: AddressObject | AddressObject[] | undefined): string[] {
  const flat = (entries: EmailAddress[]): string[] =>
    entries.flatMap((e) => [...(e.address === undefined ? [] : [e.address.toLowerCase()]), ...flat(e.group ?? [])]);
  return header === undefined ? [] : (Array.isArray(header) ? header : [header]).flatMap((h) => flat(h.value));
}

/** The one-time code in a mail's text body (the first run of exactly six digits). */
export function extractOtp(mail: ParsedMail): string {
  const code = /(?<!\d)\d{6}(?!\d)/.exec(mail.text ?? '')?.[0];
  if (code === undefined) {
    throw new Error(`extractOtp: no 6-digit code in the text body of "${mail.subject ?? '(no subject)'}"`);
  }
  return code;
}
