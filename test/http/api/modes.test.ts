import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rawRequest, startHarness, type Harness, type HttpResult } from '../../support/harness.js';
import { extractOtp } from '../../support/smtp-sink.js';
import { startDevMailboxHarness } from '../../support/dev-mailbox-harness.js';
import {
  expectNoInternals,
  expectOktaError,
  getUser,
  loginPending,
  registerActiveUser,
  uniqueEmail,
} from '../../support/api-helpers.js';

/**
 * Operating modes and surfaces around the API: ERRORS_AS_200, the OpenAPI document and docs page,
 * the health probe, mail delivery failures, and the development mailbox.
 */

/** Everything but the per-answer ids. */
function stable(body: Record<string, unknown>): Record<string, unknown> {
  const { errorId: _errorId, requestId: _requestId, ...rest } = body;
  return rest;
}

/** Rejects every delivery attempt (all retries) while `fn` runs, then lets mail through again. */
async function withMailDown<T>(h: Harness, fn: () => Promise<T>): Promise<T> {
  h.sink.setRejectNext(1_000);
  try {
    return await fn();
  } finally {
    h.sink.setRejectNext(0);
  }
}

describe('ERRORS_AS_200', () => {
  let normal: Harness;
  let as200: Harness;
  beforeAll(async () => {
    [normal, as200] = await Promise.all([startHarness(), startHarness({ ERRORS_AS_200: 'true' })]);
    expect(as200.config.errorsAs200).toBe(true);
  });
  afterAll(async () => {
    await Promise.all([normal?.close(), as200?.close()]);
  });
  beforeEach(() => {
    // One instant on both servers, at the start of an hour, so time-derived answers
    // (Retry-After, X-Rate-Limit-Reset) can be compared.
    const hour = 3_600_000;
    const next = (Math.floor(Math.max(normal.clock.now().getTime(), as200.clock.now().getTime()) / hour) + 1) * hour;
    normal.clock.set(new Date(next));
    as200.clock.set(new Date(next));
  });

  const raw = async (h: Harness, method: string, path: string, headers: Record<string, string>, payload?: string): Promise<HttpResult> => {
    const res = await rawRequest(h.baseUrl + path, method, headers, payload);
    return { ...res, body: res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {} };
  };
  const json = { 'content-type': 'application/json' };
  const duplicateEmail = uniqueEmail('dup');
  const password = 'correct horse battery staple';

  /** Each case runs against both servers; `status` is what the normal one answers. */
  const cases: Array<{ label: string; status: number; family: string; run: (h: Harness) => Promise<HttpResult> }> = [
    { label: 'missing fields', status: 400, family: 'VALIDATION_ERROR', run: (h) => h.post('/api/login', {}) },
    { label: 'malformed JSON', status: 400, family: 'VALIDATION_ERROR', run: (h) => h.post('/api/login', '{"email":') },
    { label: 'text/plain', status: 415, family: 'VALIDATION_ERROR', run: (h) => raw(h, 'POST', '/api/login', { 'content-type': 'text/plain' }, 'hi') },
    {
      label: 'oversized body',
      status: 413,
      family: 'VALIDATION_ERROR',
      run: (h) => raw(h, 'POST', '/api/login', json, JSON.stringify({ pad: 'x'.repeat(h.config.bodyLimitBytes + 1) })),
    },
    { label: 'unknown route', status: 404, family: '404', run: (h) => h.post('/api/nope', {}) },
    { label: 'wrong method', status: 404, family: '404', run: (h) => h.call('GET', '/api/login') },
    { label: 'bad credentials', status: 401, family: 'OKTA_ERROR', run: (h) => h.post('/api/login', { email: uniqueEmail('x'), password }) },
    { label: 'unknown user id', status: 404, family: 'OKTA_ERROR', run: (h) => h.post('/api/activate', { userId: '00uNOBODY', otp: '123456' }) },
    { label: 'invalid session', status: 401, family: 'OKTA_ERROR', run: (h) => getUser(h, '102' + 'Q'.repeat(22)) },
    { label: 'bad token', status: 401, family: 'OKTA_ERROR', run: (h) => h.post('/api/sso/verify', { token: 'a.b.c' }) },
    {
      label: 'weak password',
      status: 400,
      family: 'OKTA_ERROR',
      run: (h) => h.post('/api/register', { firstName: 'A', lastName: 'B', email: uniqueEmail('weak'), password: 'password' }),
    },
    {
      label: 'duplicate login',
      status: 400,
      family: 'OKTA_ERROR',
      run: async (h) => {
        const body = { firstName: 'A', lastName: 'B', email: duplicateEmail, password };
        expect((await h.post('/api/register', body)).status).toBe(200);
        return h.post('/api/register', { ...body, email: duplicateEmail.toUpperCase() });
      },
    },
    {
      label: 'rate limited (resend right after registering)',
      status: 429,
      family: 'OKTA_ERROR',
      run: async (h) => {
        const reg = await h.post('/api/register', { firstName: 'A', lastName: 'B', email: uniqueEmail('rl'), password });
        return h.post('/api/activate', { userId: reg.body.userId });
      },
    },
    {
      label: 'mail delivery failed',
      status: 503,
      family: 'SERVER_ERROR',
      run: async (h) => {
        const user = await registerActiveUser(h);
        h.clock.advance(h.config.otp.resendIntervalSeconds * 1000);
        return withMailDown(h, () => h.post('/api/mfa/verify', { userId: user.userId }));
      },
    },
  ];

  it.each(cases.map((c) => [c.label, c] as const))('%s: 200 with the same body', async (_label, c) => {
    const expected = await c.run(normal);
    const got = await c.run(as200);
    expect(expected.status, expected.text).toBe(c.status);
    expect(expected.body.error).toBe(c.family);
    expect(got.status, got.text).toBe(200);
    expect(stable(got.body)).toEqual(stable(expected.body));
    expect(got.headers.get('content-type')).toMatch(/^application\/json/);
    if (c.status === 429) {
      expect(got.headers.get('retry-after')).toBe(expected.headers.get('retry-after'));
      expect(got.headers.get('x-rate-limit-limit')).toBe(expected.headers.get('x-rate-limit-limit'));
      expect(got.headers.get('x-rate-limit-reset')).toBe(expected.headers.get('x-rate-limit-reset'));
    }
    if (c.family === 'OKTA_ERROR') expect(got.body.status).toBe(c.status);
    if (c.family === 'SERVER_ERROR') expect(got.body.requestId).toBe(got.headers.get('x-request-id'));
  });

  it('successes are unchanged', async () => {
    const reg = await as200.post('/api/register', { firstName: 'A', lastName: 'B', email: uniqueEmail('ok'), password });
    expect(reg.status).toBe(200);
    expect(reg.body).toEqual({ userId: expect.stringMatching(/^00u/) });
  });
});

describe('OpenAPI, docs and health', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const BODIES: Record<string, { required: string[]; optional: string[] }> = {
    '/api/register': { required: ['firstName', 'lastName', 'email', 'password'], optional: [] },
    '/api/activate': { required: ['userId'], optional: ['otp'] },
    '/api/login': { required: ['email', 'password'], optional: [] },
    '/api/mfa/verify': { required: ['userId'], optional: ['otp', 'sessionId'] },
    '/api/logout': { required: ['sessionId'], optional: [] },
    '/api/sso/grant': { required: ['sessionId'], optional: [] },
    '/api/sso/token': { required: ['code'], optional: [] },
    '/api/sso/verify': { required: ['token'], optional: [] },
  };

  it('/openapi.json lists all nine /api routes with their request schemas', async () => {
    const res = await h.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.openapi).toMatch(/^3\./);
    type Operation = {
      requestBody?: { content?: Record<string, { schema?: { type?: string; required?: string[]; properties?: Record<string, { type?: string; maxLength?: number }> } }> };
      parameters?: Array<{ in: string; name: string; schema?: { type?: string } }>;
      responses?: Record<string, unknown>;
    };
    const paths = res.body.paths as Record<string, Record<string, Operation>>;
    expect(Object.keys(paths).filter((p) => p.startsWith('/api/') && !p.startsWith('/api/v1/')).sort()).toEqual([...Object.keys(BODIES), '/api/user'].sort());

    for (const [path, fields] of Object.entries(BODIES)) {
      expect(Object.keys(paths[path] ?? {}), path).toEqual(['post']);
      const op = paths[path]?.post as Operation;
      const schema = op.requestBody?.content?.['application/json']?.schema;
      expect(schema?.type, path).toBe('object');
      expect([...(schema?.required ?? [])].sort(), path).toEqual([...fields.required].sort());
      expect(Object.keys(schema?.properties ?? {}).sort(), path).toEqual([...fields.required, ...fields.optional].sort());
      for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
        expect(prop.type, `${path} ${name}`).toBe('string');
        expect(prop.maxLength, `${path} ${name}`).toBeGreaterThan(0);
      }
      expect(Object.keys(op.responses ?? {}), path).toEqual(expect.arrayContaining(['200', '400', '429']));
    }
    expect(Object.keys(paths['/api/user'] ?? {})).toEqual(['get']);
    const userOp = paths['/api/user']?.get as Operation;
    expect(userOp.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ in: 'query', name: 'sessionId', schema: expect.objectContaining({ type: 'string' }) })]),
    );
    expect(Object.keys(userOp.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '403']));
    // The password's upper bound is published, so clients know a 1 MB one is refused.
    expect(paths['/api/register']?.post?.requestBody?.content?.['application/json']?.schema?.properties?.password?.maxLength).toBe(256);
  });

  it('/docs answers HTML', async () => {
    const res = await h.call('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<html/i);
    expect(res.text).toMatch(/swagger/i);
  });

  it('/healthz answers ok', async () => {
    const res = await h.call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('the dev mailbox is not mounted when SMTP is configured', async () => {
    const res = await h.call('GET', '/dev/mailbox?format=json');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: '404' });
  });
});

describe('mail delivery failures', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('registration still succeeds with otpSent:false; /api/activate without otp mails a working code at once', async () => {
    const email = uniqueEmail('undelivered');
    const password = 'correct horse battery staple';
    const before = h.sink.messages.length;
    const reg = await withMailDown(h, () => h.post('/api/register', { firstName: 'Mail', lastName: 'Down', email, password }));
    expect(reg.status, reg.text).toBe(200);
    expect(reg.body).toEqual({ userId: expect.stringMatching(/^00u/), otpSent: false });
    const userId = reg.body.userId as string;
    expect(h.sink.messages.length).toBe(before);
    // The user exists (acknowledged), with the factor still pending.
    expect((await h.post('/api/login', { email, password })).body).toEqual({ userId });

    // No waiting: the failed send gave its resend slot back (the ManualClock has not moved).
    const after = h.sink.messages.length;
    const resend = await h.post('/api/activate', { userId });
    expect(resend.status, resend.text).toBe(200);
    const code = extractOtp(await h.sink.waitForMail(email, { after }));
    const ok = await h.post('/api/activate', { userId, otp: code });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toEqual({ success: true });
  });

  it('/api/mfa/verify send failing all retries is 503 SERVER_ERROR, and the user can ask again at once', async () => {
    const user = await registerActiveUser(h);
    const sessionId = await loginPending(h, user);
    h.clock.advance(h.config.otp.resendIntervalSeconds * 1000);
    const failed = await withMailDown(h, () => h.post('/api/mfa/verify', { userId: user.userId }));
    expect(failed.status, failed.text).toBe(503);
    expect(Object.keys(failed.body).sort()).toEqual(['error', 'message', 'requestId']);
    expect(failed.body.error).toBe('SERVER_ERROR');
    expect(failed.body.requestId).toBe(failed.headers.get('x-request-id'));
    expectNoInternals(failed);
    expect(failed.text).not.toMatch(/451|smtp|127\.0\.0\.1/i);

    const after = h.sink.messages.length;
    const again = await h.post('/api/mfa/verify', { userId: user.userId });
    expect(again.status, again.text).toBe(200);
    const code = extractOtp(await h.sink.waitForMail(user.email, { after }));
    expect((await h.post('/api/mfa/verify', { userId: user.userId, otp: code, sessionId })).status).toBe(200);
    expect((await getUser(h, sessionId)).status).toBe(200);
    // A successful send does hold the slot: an immediate third request is throttled.
    expectOktaError(await h.post('/api/mfa/verify', { userId: user.userId }), 429, 'E0000047');
  });
});

describe('dev mailbox (no SMTP_URL)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startDevMailboxHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the enrolment mail in /dev/mailbox, and its code works', async () => {
    const email = uniqueEmail('devbox');
    const reg = await h.post('/api/register', { firstName: 'Dev', lastName: 'Box', email, password: 'correct horse battery staple' });
    expect(reg.status, reg.text).toBe(200);
    expect(reg.body).toEqual({ userId: expect.any(String) });

    const list = await h.call('GET', '/dev/mailbox?format=json');
    expect(list.status).toBe(200);
    const mails = JSON.parse(list.text) as Array<{ to: string; subject: string; kind: string; text: string; createdAt: string }>;
    const mine = mails.filter((m) => m.to.toLowerCase().includes(email.toLowerCase()));
    expect(mine).toHaveLength(1);
    const code = /(?<!\d)\d{6}(?!\d)/.exec(mine[0]?.text ?? '')?.[0];
    expect(code, mine[0]?.text).toMatch(/^\d{6}$/);
    expect(mine[0]?.subject).toMatch(/confirm/i);

    const ok = await h.post('/api/activate', { userId: reg.body.userId, otp: code });
    expect(ok.status, ok.text).toBe(200);
    // Nothing went out over SMTP.
    expect(h.sink.messages).toHaveLength(0);

    // The HTML view lists it too.
    const html = await h.call('GET', '/dev/mailbox');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toContain(email);
  });
});
