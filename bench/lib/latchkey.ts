import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, makeTempDir, REPO, startNode, waitForHttp, type Child } from './children.js';
import { assertLoopback } from './load.js';
import { BenchError } from './options.js';

export const MAIN_JS = join(REPO, 'dist', 'main.js');
const CLI_JS = join(REPO, 'dist', 'cli.js');
const execFileAsync = promisify(execFile);

export interface Backend {
  /** 'sqlite' or 'postgres+redis'. */
  name: string;
  /** Extra environment for the server: DATABASE_URL, REDIS_URL. Empty for SQLite (DATA_DIR decides). */
  env: Record<string, string>;
}

export interface LatchkeyServer {
  child: Child;
  baseUrl: string;
  dataDir: string;
  /** `node dist/cli.js <args>` against the server's database (same environment); its stdout. */
  cli(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export interface StartLatchkeyOptions {
  backend: Backend;
  logDir: string;
  logLevel: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

export function assertBuilt(): void {
  if (!existsSync(MAIN_JS)) {
    throw new BenchError(`${MAIN_JS} is missing: build first (npm run build; npm run bench does it for you)`);
  }
}

/**
 * Latchkey as its own process: `node dist/main.js` on a loopback port, a fresh DATA_DIR, secrets via
 * the environment, rate limits raised and the OTP resend interval at 0 so that load is not throttled,
 * mail into the dev mailbox. Everything else keeps its production default (argon2id m=19 MiB, t=2,
 * SQLite WAL with synchronous=FULL, request logging at the chosen level into a file).
 */
export async function startLatchkey(options: StartLatchkeyOptions): Promise<LatchkeyServer> {
  assertBuilt();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  assertLoopback(baseUrl);
  const dataDir = makeTempDir(`data-${options.backend.name.replace(/\W+/g, '-')}`);
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    OTP_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: options.logLevel,
    OTP_RESEND_INTERVAL_SECONDS: '0',
    OTP_SENDS_PER_HOUR: '1000',
    RATE_LIMIT_LOGIN_PER_IP: '1000000',
    RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000000',
    RATE_LIMIT_OTP_VERIFY_PER_ACCOUNT: '1000000',
    RATE_LIMIT_API_PER_IP: '10000000',
    RATE_LIMIT_AUTHN_PER_USERNAME: '1000000',
    ...options.backend.env,
  };
  // Never inherit a developer's SMTP: codes must land in the dev mailbox.
  const child = startNode({
    name: `latchkey-${options.backend.name}${options.nodeFlags?.length ? '-profiled' : ''}`,
    args: [...(options.nodeFlags ?? []), MAIN_JS],
    env: { ...env, SMTP_URL: undefined, DATABASE_URL: env.DATABASE_URL, REDIS_URL: env.REDIS_URL },
    logDir: options.logDir,
    cwd: dataDir,
  });
  await waitForHttp(child, `${baseUrl}/healthz`);
  const cli = async (args: string[]) => {
    const { stdout } = await execFileAsync(process.execPath, [CLI_JS, ...args], {
      cwd: dataDir,
      env: { ...process.env, ...env, SMTP_URL: undefined, DATABASE_URL: env.DATABASE_URL, REDIS_URL: env.REDIS_URL, LOG_LEVEL: 'warn' },
      timeout: 30_000,
    });
    return stdout;
  };
  return { child, baseUrl, dataDir, cli, stop: () => child.stop() };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    path: string,
  ) {
    super(`${path} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

/** A small client for the seed API, used to seed data and to run the journey. */
export class LatchkeyClient {
  constructor(readonly baseUrl: string) {
    assertLoopback(baseUrl);
  }

  async post<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const parsed: unknown = await response.json();
    if (!response.ok) throw new ApiError(response.status, parsed, path);
    return parsed as T;
  }

  async get<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(this.baseUrl + path, { headers, signal: AbortSignal.timeout(30_000) });
    const parsed: unknown = await response.json();
    if (!response.ok) throw new ApiError(response.status, parsed, path);
    return parsed as T;
  }

  /** The newest code mailed to `email`, from the dev mailbox. */
  async latestCode(email: string): Promise<string> {
    const mails = await this.get<{ text: string }[]>(`/dev/mailbox?format=json&limit=1&to=${encodeURIComponent(email)}`);
    const code = /^\s*(\d{6})\s*$/m.exec(mails[0]?.text ?? '')?.[1];
    if (code === undefined) throw new Error(`no code in the dev mailbox for ${email}`);
    return code;
  }

  async register(user: BenchUser): Promise<string> {
    const { userId } = await this.post<{ userId: string }>('/api/register', {
      firstName: 'Bench',
      lastName: user.label,
      email: user.email,
      password: user.password,
    });
    return userId;
  }

  /** Register and confirm the email factor: logins of this user then need the second factor. */
  async registerWithMfa(user: BenchUser): Promise<string> {
    const userId = await this.register(user);
    await this.post('/api/activate', { userId, otp: await this.latestCode(user.email) });
    return userId;
  }

  /** login → mfa send → code from the mailbox → mfa verify: an ACTIVE session id. */
  async activeSession(user: BenchUser & { userId: string }): Promise<string> {
    const session = await this.post<{ id: string; status: string }>('/api/login', { email: user.email, password: user.password });
    if (session.status !== 'MFA_REQUIRED') throw new Error(`login answered status ${session.status}, expected MFA_REQUIRED`);
    await this.post('/api/mfa/verify', { userId: user.userId });
    const otp = await this.latestCode(user.email);
    await this.post('/api/mfa/verify', { userId: user.userId, otp, sessionId: session.id });
    return session.id;
  }

  /** The rest of the SSO journey from an ACTIVE session: grant → token → verify; returns the token. */
  async ssoToken(sessionId: string): Promise<string> {
    const { code } = await this.post<{ code: string }>('/api/sso/grant', { sessionId });
    const { token } = await this.post<{ token: string }>('/api/sso/token', { code });
    await this.post('/api/sso/verify', { token });
    return token;
  }
}

export interface BenchUser {
  label: string;
  email: string;
  password: string;
}

/** Users unique to this run (a PostgreSQL database may be reused), with a password the policy accepts. */
export function benchUsers(runId: string, kind: string, count: number): BenchUser[] {
  return Array.from({ length: count }, (_, i) => ({
    label: `${kind}${i}`,
    email: `bench-${kind}-${i}-${runId}@example.com`,
    password: `correct horse battery ${kind} ${i}`,
  }));
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
