import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startHarness, type Harness, type HttpResult } from '../../support/harness.js';
import {
  expectNoInternals,
  expectOktaError,
  expectValidationError,
  loginPending,
  registerActiveUser,
  uniqueEmail,
} from '../../support/api-helpers.js';

/**
 * Every seed route against malformed input, over real HTTP: each answer is a 4xx in the right
 * error family (Joi-shaped details for VALIDATION_ERROR), never a 5xx, and the server keeps working.
 */

interface Field {
  name: string;
  required: boolean;
  maxLength: number;
  email?: boolean;
}

interface Route {
  method: 'POST' | 'GET';
  path: string;
  fields: Field[];
  /** A body that passes validation (unknown ids, so the route answers with its own error or success). */
  valid: () => Record<string, unknown>;
  /** What `valid()` gets: proves the mutations below differ from a passing body by one field only. */
  validAnswer: { status: number; errorCode?: string };
}

const str = (n: number) => 'x'.repeat(n);
const FAKE_USER = '00u' + 'A'.repeat(17);
const FAKE_SESSION = '102' + 'B'.repeat(22);

const ROUTES: Route[] = [
  {
    method: 'POST',
    path: '/api/register',
    fields: [
      { name: 'firstName', required: true, maxLength: 100 },
      { name: 'lastName', required: true, maxLength: 100 },
      { name: 'email', required: true, maxLength: 254, email: true },
      { name: 'password', required: true, maxLength: 256 },
    ],
    valid: () => ({ firstName: 'Ann', lastName: 'Lee', email: uniqueEmail('valid'), password: 'a fine long passphrase' }),
    validAnswer: { status: 200 },
  },
  {
    method: 'POST',
    path: '/api/activate',
    fields: [
      { name: 'userId', required: true, maxLength: 64 },
      { name: 'otp', required: false, maxLength: 16 },
    ],
    valid: () => ({ userId: FAKE_USER, otp: '123456' }),
    validAnswer: { status: 404, errorCode: 'E0000007' },
  },
  {
    method: 'POST',
    path: '/api/login',
    fields: [
      { name: 'email', required: true, maxLength: 254, email: true },
      { name: 'password', required: true, maxLength: 256 },
    ],
    valid: () => ({ email: uniqueEmail('nobody'), password: 'whatever password' }),
    validAnswer: { status: 401, errorCode: 'E0000004' },
  },
  {
    method: 'POST',
    path: '/api/mfa/verify',
    fields: [
      { name: 'userId', required: true, maxLength: 64 },
      { name: 'otp', required: false, maxLength: 16 },
      { name: 'sessionId', required: false, maxLength: 128 },
    ],
    valid: () => ({ userId: FAKE_USER, otp: '123456', sessionId: FAKE_SESSION }),
    validAnswer: { status: 404, errorCode: 'E0000007' },
  },
  {
    method: 'POST',
    path: '/api/logout',
    fields: [{ name: 'sessionId', required: true, maxLength: 128 }],
    valid: () => ({ sessionId: FAKE_SESSION }),
    validAnswer: { status: 401, errorCode: 'E0000005' },
  },
  {
    // GET with a JSON body, as the original's clients send it (the query string is tested separately).
    method: 'GET',
    path: '/api/user',
    fields: [{ name: 'sessionId', required: true, maxLength: 128 }],
    valid: () => ({ sessionId: FAKE_SESSION }),
    validAnswer: { status: 401, errorCode: 'E0000005' },
  },
  {
    method: 'POST',
    path: '/api/sso/grant',
    fields: [{ name: 'sessionId', required: true, maxLength: 128 }],
    valid: () => ({ sessionId: FAKE_SESSION }),
    validAnswer: { status: 401, errorCode: 'E0000005' },
  },
  {
    method: 'POST',
    path: '/api/sso/token',
    fields: [{ name: 'code', required: true, maxLength: 256 }],
    valid: () => ({ code: 'not-a-real-grant-code' }),
    validAnswer: { status: 401, errorCode: 'E0000011' },
  },
  {
    method: 'POST',
    path: '/api/sso/verify',
    fields: [{ name: 'token', required: true, maxLength: 8192 }],
    valid: () => ({ token: 'not.a.jwt' }),
    validAnswer: { status: 401, errorCode: 'E0000011' },
  },
];

interface FieldCase {
  route: Route;
  label: string;
  body: Record<string, unknown>;
  field: string;
  /** Joi types any of which the detail for `field` may carry. */
  types: string[];
}

/** One field broken at a time; everything else valid. */
function fieldCases(): FieldCase[] {
  const cases: FieldCase[] = [];
  for (const route of ROUTES) {
    for (const f of route.fields) {
      const withValue = (value: unknown) => ({ ...route.valid(), [f.name]: value });
      const add = (label: string, body: Record<string, unknown>, types: string[]) =>
        cases.push({ route, label: `${route.method} ${route.path} ${f.name}: ${label}`, body, field: f.name, types });
      if (f.required) {
        const { [f.name]: _gone, ...rest } = route.valid();
        add('missing', rest, ['any.required']);
      }
      add('number', withValue(12345), ['string.base']);
      add('array', withValue(['a']), ['string.base']);
      add('object', withValue({ a: 1 }), ['string.base']);
      add('null', withValue(null), ['string.base']);
      add('boolean', withValue(true), ['string.base']);
      // An empty email breaks the format rule (Joi would say string.empty); either names the field.
      add('empty string', withValue(''), f.email ? ['string.empty', 'string.email'] : ['string.empty']);
      const long = f.email ? `${str(f.maxLength - 'example.com'.length)}@example.com` : str(f.maxLength + 1);
      add(`over-long (${long.length} characters)`, withValue(long), ['string.max']);
      if (f.email) {
        for (const bad of ['not-an-email', 'a@', '@example.com', 'a b@example.com', 'a@@example.com']) {
          add(`invalid email ${JSON.stringify(bad)}`, withValue(bad), ['string.email']);
        }
      }
    }
  }
  return cases;
}

interface BodyCase {
  label: string;
  payload?: string;
  headers: Record<string, string>;
  status: number;
  type: string;
}

const BODY_LIMIT = 65_536;

/** Whole-body faults. POST routes validate the body as an object; GET /api/user reads only a JSON body. */
function bodyCases(route: Route): BodyCase[] {
  const json = { 'content-type': 'application/json' };
  const objectBase = route.method === 'GET' ? 'any.required' : 'object.base';
  return [
    { label: 'JSON array', payload: '[]', headers: json, status: 400, type: objectBase },
    { label: 'JSON array of objects', payload: JSON.stringify([route.valid()]), headers: json, status: 400, type: objectBase },
    { label: 'JSON string', payload: '"hello"', headers: json, status: 400, type: objectBase },
    { label: 'JSON number', payload: '42', headers: json, status: 400, type: objectBase },
    { label: 'JSON null', payload: 'null', headers: json, status: 400, type: objectBase },
    { label: 'JSON boolean', payload: 'false', headers: json, status: 400, type: objectBase },
    { label: 'malformed JSON', payload: '{"sessionId": "abc", ', headers: json, status: 400, type: 'object.base' },
    // POST bodies go through Fastify's secure parser, which refuses the key; the GET body parser keeps
    // it as an inert own property, so there the session id is simply missing.
    { label: 'JSON with __proto__', payload: '{"__proto__": {"sessionId": "x"}}', headers: json, status: 400, type: objectBase },
    ...(route.method === 'POST'
      ? [
          { label: 'text/plain', payload: JSON.stringify(route.valid()), headers: { 'content-type': 'text/plain' }, status: 415, type: 'any.contentType' },
          {
            label: 'form-urlencoded',
            payload: new URLSearchParams(route.valid() as Record<string, string>).toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            status: 415,
            type: 'any.contentType',
          },
          { label: 'no content type', payload: JSON.stringify(route.valid()), headers: {}, status: 415, type: 'any.contentType' },
          { label: 'empty body, JSON content type', payload: '', headers: json, status: 400, type: 'object.base' },
          { label: 'no body at all', headers: {}, status: 400, type: 'object.base' },
        ]
      : [
          // A GET body is read only when it is JSON; otherwise the session id is simply missing.
          { label: 'text/plain', payload: JSON.stringify(route.valid()), headers: { 'content-type': 'text/plain' }, status: 400, type: 'any.required' },
          {
            label: 'form-urlencoded',
            payload: new URLSearchParams(route.valid() as Record<string, string>).toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            status: 400,
            type: 'any.required',
          },
          { label: 'empty body, JSON content type', payload: '', headers: json, status: 400, type: 'any.required' },
          { label: 'no body at all', headers: {}, status: 400, type: 'any.required' },
        ]),
    {
      label: `oversized body (> ${BODY_LIMIT} bytes)`,
      payload: JSON.stringify({ ...route.valid(), padding: str(BODY_LIMIT + 10) }),
      headers: json,
      status: 413,
      type: 'any.tooLarge',
    },
  ];
}

describe('bad input on every seed route', () => {
  let h: Harness;
  const seen: HttpResult[] = [];
  /** Exactly these headers and bytes (h.call would add a JSON content type to any body). */
  const send = async (method: string, path: string, payload: string | undefined, headers: Record<string, string>) => {
    const raw = await rawRequest(h.baseUrl + path, method, headers, payload);
    let body: Record<string, unknown> = {};
    try {
      body = raw.text ? (JSON.parse(raw.text) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    const res: HttpResult = { ...raw, body };
    seen.push(res);
    return res;
  };

  beforeAll(async () => {
    // Several hundred requests from one address: lift the per-IP API budget out of the way.
    h = await startHarness({ RATE_LIMIT_API_PER_IP: '100000', BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s accepts its valid body shape', async (_label, route) => {
    const res = await send(route.method, route.path, JSON.stringify(route.valid()), { 'content-type': 'application/json' });
    expect(res.status, res.text).toBe(route.validAnswer.status);
    if (route.validAnswer.errorCode !== undefined) expectOktaError(res, route.validAnswer.status, route.validAnswer.errorCode);
  });

  it.each(fieldCases().map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    const res = await send(c.route.method, c.route.path, JSON.stringify(c.body), { 'content-type': 'application/json' });
    const details = expectValidationError(res, 400);
    const forField = details.filter((d) => d.path.length === 1 && d.path[0] === c.field);
    expect(forField.length, res.text).toBeGreaterThan(0);
    expect(forField.some((d) => c.types.includes(d.type)), res.text).toBe(true);
    for (const d of forField) {
      expect(d.message).toContain(`"${c.field}"`);
      expect(d.context.label).toBe(c.field);
    }
  });

  it.each(ROUTES.flatMap((r) => bodyCases(r).map((b) => [`${r.method} ${r.path}: ${b.label}`, r, b] as const)))(
    '%s',
    async (_label, route, b) => {
      const res = await send(route.method, route.path, b.payload, b.headers);
      const details = expectValidationError(res, b.status);
      expect(details.map((d) => d.type), res.text).toContain(b.type);
    },
  );

  describe('GET /api/user through the query string and headers', () => {
    const cases: Array<[string, string, Record<string, string>, string]> = [
      ['no session id anywhere', '/api/user', {}, 'any.required'],
      ['empty sessionId', '/api/user?sessionId=', {}, 'string.empty'],
      ['repeated sessionId (array)', `/api/user?sessionId=${FAKE_SESSION}&sessionId=${FAKE_SESSION}`, {}, 'string.base'],
      ['over-long sessionId', `/api/user?sessionId=${str(129)}`, {}, 'string.max'],
      ['empty bearer', '/api/user', { authorization: 'Bearer ' }, 'any.required'],
    ];
    it.each(cases)('%s', async (_label, path, headers, type) => {
      const res = await send('GET', path, undefined, headers);
      const details = expectValidationError(res, 400);
      expect(details.map((d) => d.type)).toContain(type);
    });
  });

  it('refuses a 1 MB password with 413 before hashing: no user is created', async () => {
    const email = uniqueEmail('huge');
    const huge = str(1_000_000);
    const reg = await send('POST', '/api/register', JSON.stringify({ firstName: 'A', lastName: 'B', email, password: huge }), {
      'content-type': 'application/json',
    });
    expect([400, 413]).toContain(reg.status);
    expectValidationError(reg, reg.status);
    const login = await send('POST', '/api/login', JSON.stringify({ email, password: huge }), { 'content-type': 'application/json' });
    expect([400, 413]).toContain(login.status);
    expectValidationError(login, login.status);
    // A password over the schema's limit but inside the body limit is a plain 400 string.max.
    const long = await send('POST', '/api/login', JSON.stringify({ email, password: str(60_000) }), { 'content-type': 'application/json' });
    expect(expectValidationError(long, 400).map((d) => d.type)).toContain('string.max');
    // The refused registration left nothing behind: the address is still free.
    const again = await send('POST', '/api/register', JSON.stringify({ firstName: 'A', lastName: 'B', email, password: 'a fine long passphrase' }), {
      'content-type': 'application/json',
    });
    expect(again.status, again.text).toBe(200);
  });

  it('ignores unknown body fields', async () => {
    const extra = { isAdmin: true, status: 'ACTIVE', role: ['admin'] };
    for (const route of ROUTES) {
      const res = await send(route.method, route.path, JSON.stringify({ ...route.valid(), ...extra }), { 'content-type': 'application/json' });
      expect(res.status, `${route.path}: ${res.text}`).toBe(route.validAnswer.status);
      expect(res.body.error).not.toBe('VALIDATION_ERROR');
    }
    // And they do not reach the stored profile.
    const user = await registerActiveUser(h);
    const sessionId = await loginPending(h, user);
    const login = await send('POST', '/api/login', JSON.stringify({ email: user.email, password: user.password, ...extra }), {
      'content-type': 'application/json',
    });
    expect(login.status).toBe(200);
    expect(login.body.status).toBe('MFA_REQUIRED');
    expect(sessionId).not.toBe(login.body.id);
  });

  describe('unknown routes and wrong methods answer {error: "404"}', () => {
    const wrongMethods: Array<[string, string]> = [
      ...ROUTES.filter((r) => r.method === 'POST').flatMap((r) => [
        ['GET', r.path] as [string, string],
        ['PUT', r.path] as [string, string],
        ['DELETE', r.path] as [string, string],
      ]),
      ['POST', '/api/user'],
      ['DELETE', '/api/user'],
      ['PATCH', '/api/user'],
      ['POST', '/api/nope'],
      ['GET', '/api/nope'],
      ['POST', '/api'],
      ['GET', '/api/'],
      ['POST', '/api/sso'],
      ['POST', '/api/login/extra'],
    ];
    // Whatever the body: none, a JSON object, an empty JSON body, malformed JSON, a foreign type, too large.
    const bodies: Array<[string, string | undefined, Record<string, string>]> = [
      ['no body', undefined, {}],
      ['JSON object', '{"sessionId": "x"}', { 'content-type': 'application/json' }],
      ['empty JSON body', '', { 'content-type': 'application/json' }],
      ['malformed JSON', '{"a":', { 'content-type': 'application/json' }],
      ['text/plain', 'hello', { 'content-type': 'text/plain' }],
      ['oversized', JSON.stringify({ padding: str(BODY_LIMIT + 10) }), { 'content-type': 'application/json' }],
    ];
    it.each(wrongMethods)('%s %s', async (method, path) => {
      for (const [label, payload, headers] of bodies) {
        const res = await send(method, path, payload, headers);
        expect(res.status, `${label}: ${res.text}`).toBe(404);
        expect(res.body, label).toEqual({ error: '404' });
        expectNoInternals(res);
      }
    });
    it('GET outside /api', async () => {
      const res = await send('GET', '/definitely/not/here', undefined, {});
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: '404' });
    });
  });

  it('never answered 5xx, and still serves normal requests', async () => {
    expect(seen.length).toBeGreaterThan(200);
    const fiveHundreds = seen.filter((r) => r.status >= 500);
    expect(fiveHundreds.map((r) => r.text)).toEqual([]);
    for (const r of seen) expect(r.status).toBeLessThan(500);

    const health = await h.call('GET', '/healthz');
    expect(health.status).toBe(200);
    const user = await registerActiveUser(h);
    const sessionId = await loginPending(h, user);
    expect(sessionId).toMatch(/^102/);
  });
});
