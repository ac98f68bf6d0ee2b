import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness.js';
import { expectNoInternals } from '../../support/api-helpers.js';

/** Okta mode against an org that stalls, fails or rate-limits: clear answers, never a hang. */
describe('okta mode: upstream failures', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  const listen = async (server: Server | ReturnType<typeof createTcpServer>): Promise<number> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };

  const oktaMode = async (orgUrl: string, env: Record<string, string> = {}): Promise<Harness> => {
    const h = await startHarness({ IDENTITY_PROVIDER: 'okta', OKTA_ORG_URL: orgUrl, OKTA_API_TOKEN: '00test-token', ...env });
    closers.push(() => h.close());
    return h;
  };

  /** An org that answers with `handler`, counting requests per "METHOD path". */
  const fakeOrg = async (handler: (req: IncomingMessage, res: ServerResponse, hits: number) => void) => {
    const hits = new Map<string, number>();
    const server = createHttpServer((req, res) => {
      const key = `${req.method} ${(req.url ?? '').replace(/\?.*$/, '')}`;
      const n = (hits.get(key) ?? 0) + 1;
      hits.set(key, n);
      req.resume();
      req.on('end', () => handler(req, res, n));
    });
    const port = await listen(server);
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { url: `http://127.0.0.1:${port}`, hits };
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  it('answers 504 SERVER_ERROR when the org accepts the connection and never answers', async () => {
    const sockets: Socket[] = [];
    const server = createTcpServer((socket) => void sockets.push(socket));
    const port = await listen(server);
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    );
    const h = await oktaMode(`http://127.0.0.1:${port}`, { OKTA_REQUEST_TIMEOUT_MS: '300' });
    const started = Date.now();
    const res = await h.post('/api/login', { email: 'a@example.com', password: 'whatever it is' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status, res.text).toBe(504);
    expect(res.body).toMatchObject({ error: 'SERVER_ERROR', message: expect.stringMatching(/did not answer in time/), requestId: expect.any(String) });
    expect(sockets.length).toBeGreaterThan(0);
    expectNoInternals(res);
  });

  it('answers 502 SERVER_ERROR when the org cannot be reached', async () => {
    const server = createTcpServer();
    const port = await listen(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const h = await oktaMode(`http://127.0.0.1:${port}`);
    const res = await h.post('/api/register', { firstName: 'A', lastName: 'B', email: 'a@example.com', password: 'whatever it is' });
    expect(res.status, res.text).toBe(502);
    expect(res.body).toMatchObject({ error: 'SERVER_ERROR', message: expect.stringMatching(/could not be reached/) });
  });

  it('answers 502 SERVER_ERROR for an org 5xx, without its internals', async () => {
    const org = await fakeOrg((_req, res) => json(res, 500, { errorCode: 'E0000009', errorSummary: 'Internal Server Error', errorId: 'oaeSECRETINTERNALS', errorCauses: [] }));
    const h = await oktaMode(org.url);
    const res = await h.post('/api/register', { firstName: 'A', lastName: 'B', email: 'a@example.com', password: 'whatever it is' });
    expect(res.status, res.text).toBe(502);
    expect(res.body.error).toBe('SERVER_ERROR');
    expect(res.text).not.toContain('oaeSECRETINTERNALS');
  });

  it("carries the org's own errors through faithfully as OKTA_ERROR", async () => {
    const body = {
      errorCode: 'E0000001',
      errorSummary: 'Api validation failed: login',
      errorLink: 'E0000001',
      errorId: 'oaeUpstreamError1234567890',
      errorCauses: [{ errorSummary: 'login: An object with this field already exists in the current organization' }],
    };
    const org = await fakeOrg((_req, res) => json(res, 400, body));
    const h = await oktaMode(org.url);
    const res = await h.post('/api/register', { firstName: 'A', lastName: 'B', email: 'a@example.com', password: 'whatever it is' });
    expect(res.status, res.text).toBe(400);
    expect(res.body).toEqual({ error: 'OKTA_ERROR', name: 'OktaApiError', status: 400, ...body, message: expect.stringContaining('E0000001') });
  });

  it('passes a long 429 through with Retry-After and X-Rate-Limit-*, without retrying', async () => {
    const org = await fakeOrg((_req, res) => {
      const now = Date.now();
      json(
        res,
        429,
        { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.', errorId: 'oae429', errorCauses: [] },
        { date: new Date(now).toUTCString(), 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil(now / 1000) + 60) },
      );
    });
    const h = await oktaMode(org.url);
    const res = await h.post('/api/login', { email: 'a@example.com', password: 'whatever it is' });
    expect(res.status, res.text).toBe(429);
    expect(res.body).toMatchObject({ error: 'OKTA_ERROR', errorCode: 'E0000047', errorId: 'oae429' });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(res.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(org.hits.get('POST /api/v1/authn')).toBe(1);
  });

  it('retries a 429 once when X-Rate-Limit-Reset is near', async () => {
    const org = await fakeOrg((req, res, n) => {
      const now = Date.now();
      if (req.url?.startsWith('/api/v1/users?') && n === 1) {
        json(res, 429, { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.', errorCauses: [] }, {
          date: new Date(now).toUTCString(),
          'x-rate-limit-reset': String(Math.floor(now / 1000)),
        });
        return;
      }
      if (req.url?.startsWith('/api/v1/users?')) return json(res, 200, { id: '00uRetried0000000000', status: 'ACTIVE', profile: {} });
      return json(res, 200, { id: 'emf00000000000000000', factorType: 'email', provider: 'OKTA', status: 'PENDING_ACTIVATION' });
    });
    const h = await oktaMode(org.url);
    const res = await h.post('/api/register', { firstName: 'A', lastName: 'B', email: 'a@example.com', password: 'whatever it is' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ userId: '00uRetried0000000000' });
    expect(org.hits.get('POST /api/v1/users')).toBe(2);
  });

  it('sends the API token as SSWS on management calls and never logs it', async () => {
    const seen: (string | undefined)[] = [];
    const org = await fakeOrg((req, res) => {
      seen.push(req.headers.authorization);
      json(res, 404, { errorCode: 'E0000007', errorSummary: 'Not found: Resource not found: 00uX (User)', errorCauses: [] });
    });
    const h = await oktaMode(org.url);
    const res = await h.post('/api/activate', { userId: '00uX' });
    expect(res.status, res.text).toBe(404);
    expect(res.body.errorCode).toBe('E0000007');
    expect(seen).toEqual(['SSWS 00test-token']);
    expect(h.logs.join('\n')).not.toContain('00test-token');
  });
});
