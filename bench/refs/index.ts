import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, makeTempDir, REPO, startNode, waitForHttp, type Child } from '../lib/children.js';
import { availableParallelism } from 'node:os';
import { cpuSnapshot, otherCpuCores } from '../lib/cpu.js';
import { runHttpLoad, type Measurement } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';

export interface ReferenceContext {
  options: BenchOptions;
  logDir: string;
}

export interface ReferenceGroup {
  /** Shown while running. */
  name: string;
  references: { id: string; title: string; note: string }[];
  /** Measures the wanted references of the group in one child process. */
  run(context: ReferenceContext, wanted: Set<string>): Promise<Map<string, Measurement>>;
}

const TSX = ['--import', 'tsx'];
const refScript = (name: string) => join(REPO, 'bench', 'refs', name);

async function startRef(context: ReferenceContext, name: string, script: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = startNode({ name, args: [...TSX, refScript(script)], env: { PORT: String(port), ...env }, logDir: context.logDir });
  await waitForHttp(child, `${baseUrl}/healthz`);
  return { child, baseUrl };
}

async function withChild<T>(child: Child, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    await child.stop();
  }
}

const load = (context: ReferenceContext, baseUrl: string, requests: Parameters<typeof runHttpLoad>[0]['requests']) =>
  runHttpLoad({
    baseUrl,
    requests,
    connections: context.options.connections,
    warmupSeconds: context.options.warmupSeconds,
    durationSeconds: context.options.durationSeconds,
  });

/** A token of the size Latchkey issues (header.payload.signature, about 380 characters). */
function tokenLikeString(): string {
  return [randomBytes(27), randomBytes(250), randomBytes(32)].map((b) => b.toString('base64url')).join('.');
}

const argon2Group: ReferenceGroup = {
  name: 'argon2id ceiling',
  references: [
    {
      id: 'argon2-ceiling',
      title: 'argon2id verify, ops/s (login ceiling)',
      note: "Latchkey's own hasher in a child process, UV_THREADPOOL_SIZE verifications in flight",
    },
  ],
  async run(context) {
    const child = startNode({
      name: 'argon2-ceiling',
      args: [...TSX, refScript('argon2-ceiling.ts')],
      env: {
        BENCH_WARMUP: String(context.options.warmupSeconds),
        BENCH_DURATION: String(context.options.durationSeconds),
        BENCH_REPEAT: String(context.options.repeat),
      },
      logDir: context.logDir,
    });
    const cpu = cpuSnapshot();
    return withChild(child, async () => {
      const message = await new Promise<Measurement>((resolveMessage, reject) => {
        child.process.once('message', (m) => resolveMessage(m as Measurement));
        void child.exited.then(({ code }) =>
          reject(new Error(`argon2 ceiling exited (${code}) without a result. Its log:\n${child.logTail()}`)),
        );
      });
      return new Map([['argon2-ceiling', { ...message, otherCpuCores: otherCpuCores(cpu, availableParallelism()) }]]);
    });
  },
};

const fastifyGroup: ReferenceGroup = {
  name: 'bare Fastify',
  references: [
    {
      id: 'fastify-bare',
      title: 'bare Fastify POST /api/sso/verify (HTTP ceiling)',
      note: 'same path, same request and response JSON, no logger, hooks, schema or token check',
    },
  ],
  async run(context) {
    const { child, baseUrl } = await startRef(context, 'fastify-bare', 'bare-fastify.ts');
    return withChild(child, async () => {
      const requests = Array.from({ length: 8 }, () => ({
        method: 'POST' as const,
        path: '/api/sso/verify',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: tokenLikeString() }),
      }));
      return new Map([['fastify-bare', await load(context, baseUrl, requests)]]);
    });
  },
};

const betterAuthGroup: ReferenceGroup = {
  name: 'Better Auth',
  references: [
    {
      id: 'better-auth-sign-in',
      title: 'Better Auth POST /api/auth/sign-in/email',
      note: 'argon2id with the same parameters, better-sqlite3 WAL + synchronous=FULL; creates a session per sign-in',
    },
    {
      id: 'better-auth-session',
      title: 'Better Auth GET /api/auth/get-session (cookie)',
      note: 'session and user read from SQLite (no cookie cache, as by default)',
    },
  ],
  async run(context, wanted) {
    const dataDir = makeTempDir('better-auth');
    const { child, baseUrl } = await startRef(context, 'better-auth', 'better-auth-server.ts', {
      DATA_DIR: dataDir,
      BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
    });
    return withChild(child, async () => {
      const headers = { 'content-type': 'application/json', origin: baseUrl };
      const users = Array.from({ length: context.options.loginUsers }, (_, i) => ({
        email: `bench-ba-${i}@example.com`,
        password: `correct horse battery ba ${i}`,
      }));
      const cookies: string[] = [];
      for (const user of users) {
        const signUp = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ ...user, name: 'Bench' }),
        });
        if (!signUp.ok) throw new Error(`Better Auth sign-up answered ${signUp.status}: ${await signUp.text()}`);
        await signUp.arrayBuffer().catch(() => undefined);
        const signIn = await fetch(`${baseUrl}/api/auth/sign-in/email`, { method: 'POST', headers, body: JSON.stringify(user) });
        if (!signIn.ok) throw new Error(`Better Auth sign-in answered ${signIn.status}: ${await signIn.text()}`);
        await signIn.arrayBuffer();
        const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').find((c) => c.includes('session_token='));
        if (cookie === undefined) throw new Error('Better Auth sign-in set no session cookie');
        cookies.push(cookie);
      }
      const check = await fetch(`${baseUrl}/api/auth/get-session`, { headers: { cookie: cookies[0] ?? '' } });
      const session = (await check.json()) as { session?: unknown } | null;
      if (!check.ok || session?.session === undefined) throw new Error('Better Auth get-session did not see the session');

      const results = new Map<string, Measurement>();
      if (wanted.has('better-auth-sign-in')) {
        results.set(
          'better-auth-sign-in',
          await load(
            context,
            baseUrl,
            users.map((user) => ({ method: 'POST', path: '/api/auth/sign-in/email', headers, body: JSON.stringify(user) })),
          ),
        );
      }
      if (wanted.has('better-auth-session')) {
        results.set(
          'better-auth-session',
          await load(
            context,
            baseUrl,
            cookies.map((cookie) => ({ method: 'GET', path: '/api/auth/get-session', headers: { cookie } })),
          ),
        );
      }
      return results;
    });
  },
};

const oidcGroup: ReferenceGroup = {
  name: 'oidc-provider',
  references: [
    {
      id: 'oidc-token-cc',
      title: 'oidc-provider POST /token (client_credentials)',
      note: 'reference for /oauth2/default/v1/token (client_credentials); opaque token, in-memory adapter, client_secret_basic',
    },
    {
      id: 'oidc-introspect',
      title: 'oidc-provider POST /token/introspection',
      note: 'reference for a future Latchkey introspection scenario; an active client_credentials token',
    },
  ],
  async run(context, wanted) {
    const secret = randomBytes(24).toString('base64url');
    const { child, baseUrl } = await startRef(context, 'oidc-provider', 'oidc-provider-server.ts', { OIDC_CLIENT_SECRET: secret });
    return withChild(child, async () => {
      const authorization = `Basic ${Buffer.from(`bench:${secret}`).toString('base64')}`;
      const form = { 'content-type': 'application/x-www-form-urlencoded', authorization };
      const issueToken = async () => {
        const response = await fetch(`${baseUrl}/token`, { method: 'POST', headers: form, body: 'grant_type=client_credentials' });
        const body = (await response.json()) as { access_token?: string };
        if (!response.ok || body.access_token === undefined) throw new Error(`oidc-provider /token answered ${response.status}`);
        return body.access_token;
      };
      const introspect = async (token: string) => {
        const response = await fetch(`${baseUrl}/token/introspection`, {
          method: 'POST',
          headers: form,
          body: `token=${encodeURIComponent(token)}`,
        });
        return ((await response.json()) as { active?: boolean }).active === true;
      };
      const results = new Map<string, Measurement>();
      if (wanted.has('oidc-token-cc')) {
        await issueToken();
        results.set(
          'oidc-token-cc',
          await load(context, baseUrl, [{ method: 'POST', path: '/token', headers: form, body: 'grant_type=client_credentials' }]),
        );
      }
      if (wanted.has('oidc-introspect')) {
        // A fresh token: the in-memory adapter is an LRU that the token scenario has churned.
        const token = await issueToken();
        if (!(await introspect(token))) throw new Error('oidc-provider introspection says a fresh token is inactive');
        const measurement = await load(context, baseUrl, [
          { method: 'POST', path: '/token/introspection', headers: form, body: `token=${encodeURIComponent(token)}` },
        ]);
        if (!(await introspect(token))) measurement.notes = [...(measurement.notes ?? []), 'token inactive after the run'];
        results.set('oidc-introspect', measurement);
      }
      return results;
    });
  },
};

/** Run order: the hashing ceiling first, on an idle machine. */
export const referenceGroups: ReferenceGroup[] = [argon2Group, fastifyGroup, betterAuthGroup, oidcGroup];
