import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { createLatchkey, type Latchkey } from '../../src/wiring.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

export interface Harness {
  baseUrl: string;
  sink: SmtpSink;
  clock: ManualClock;
  config: Config;
  latchkey: Latchkey;
  logs: string[];
  /** JSON request over real HTTP; returns status, headers and parsed body. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  close(): Promise<void>;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  // Tests inspect arbitrary JSON; narrowing happens in assertions.
  body: Record<string, unknown> & { [key: string]: unknown };
  text: string;
}

/**
 * A real Latchkey on 127.0.0.1 (ephemeral port) with SQLite in a fresh temp folder, mail through
 * a real SMTP sink, and a manual clock. `env` overrides any setting.
 */
export async function startHarness(env: Record<string, string> = {}, options: { clock?: ManualClock } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-test-'));
  const sink = await startSmtpSink();
  const clock = options.clock ?? new ManualClock(new Date());
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    DATABASE_URL: `sqlite:${join(dir, 'latchkey.db')}`,
    SMTP_URL: sink.url,
    JWT_SECRET: 'test-jwt-secret-that-is-at-least-32-bytes-long',
    OTP_SECRET: 'test-otp-secret-that-is-at-least-32-bytes-long',
    LOG_LEVEL: 'info',
    ...env,
  });
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const latchkey = await createLatchkey(config, logger, { clock, sleep: async () => {} });
  const address = await latchkey.app.listen({ host: '127.0.0.1', port: config.port });
  const baseUrl = address.replace('localhost', '127.0.0.1');

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const h: Record<string, string> = { ...headers };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const response = await rawRequest(baseUrl + path, method, h, payload);
    const text = response.text;
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = {};
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };

  return {
    baseUrl,
    sink,
    clock,
    config,
    latchkey,
    logs,
    call,
    post: (path, body, headers) => call('POST', path, body, headers),
    close: async () => {
      await latchkey.close();
      await sink.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Plain node:http, because fetch refuses a GET with a body and the original's clients send one. */
export function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<{ status: number; headers: Headers; text: string }> {
  return new Promise((resolve, reject) => {
    const all = body === undefined ? headers : { 'content-length': String(Buffer.byteLength(body)), ...headers };
    const req = httpRequest(url, { method, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, headers: out, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}
