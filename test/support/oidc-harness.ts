import { createServer } from 'node:net';
import { startHarness, rawRequest, type Harness } from './harness.js';
import { activeSession, registerActiveUser, type TestUser } from './api-helpers.js';
import { extractOtp } from './smtp-sink.js';
import { createApiToken } from './okta-sdk.js';

/** A port the OS just handed out (closed again), so PUBLIC_URL can name the port the harness will use. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A harness whose PUBLIC_URL (the issuer) is its real address, as OIDC clients insist. */
export async function startOidcHarness(env: Record<string, string> = {}): Promise<Harness> {
  const port = await freePort();
  return startHarness({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...env });
}

/** A registered, activated user with an ACTIVE session (the sid cookie value). */
export async function userWithSession(h: Harness): Promise<{ user: TestUser; sid: string }> {
  const user = await registerActiveUser(h);
  const sid = await activeSession(h, user);
  return { user, sid };
}

/** GET without following redirects; returns status, Location and the body. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; location: string | null; headers: Headers; text: string }> {
  const res = await rawRequest(url, 'GET', headers);
  return { status: res.status, location: res.headers.get('location'), headers: res.headers, text: res.text };
}

export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string; json: Record<string, unknown> }> {
  const body = new URLSearchParams(form).toString();
  const res = await rawRequest(url, 'POST', { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body);
  let json: Record<string, unknown> = {};
  try {
    json = res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {};
  } catch {
    json = {};
  }
  return { status: res.status, headers: res.headers, text: res.text, json };
}

/**
 * Seed 000, step 1: POST /api/v1/authn with the password, then (MFA_REQUIRED) the emailed code, until
 * SUCCESS; returns the sessionToken.
 */
export async function sessionTokenFor(h: Harness, email: string, password: string): Promise<string> {
  const first = await h.post('/api/v1/authn', { username: email, password, options: { multiOptionalFactorEnroll: false, warnBeforePasswordExpired: false } });
  if (first.status !== 200) throw new Error(`authn: ${first.status} ${first.text}`);
  if (first.body.status === 'SUCCESS') return first.body.sessionToken as string;
  if (first.body.status !== 'MFA_REQUIRED') throw new Error(`authn: unexpected status ${String(first.body.status)}`);
  const stateToken = first.body.stateToken as string;
  const factors = (first.body._embedded as { factors: Array<{ factorType: string; _links: { verify: { href: string } } }> }).factors;
  const emailFactor = factors.find((f) => f.factorType === 'email');
  if (emailFactor === undefined) throw new Error('authn: no email factor');
  const verify = new URL(emailFactor._links.verify.href).pathname;
  const after = h.sink.messages.length;
  h.clock.advance(h.config.otp.resendIntervalSeconds * 1000);
  const challenge = await h.post(verify, { stateToken });
  if (challenge.status !== 200) throw new Error(`authn challenge: ${challenge.status} ${challenge.text}`);
  const passCode = extractOtp(await h.sink.waitForMail(email, { after }));
  const done = await h.post(verify, { stateToken, passCode });
  if (done.status !== 200 || done.body.status !== 'SUCCESS') throw new Error(`authn verify: ${done.status} ${done.text}`);
  return done.body.sessionToken as string;
}

/**
 * An ACTIVE user with a password and no factor, through Okta's Users API (SSWS): with
 * AUTHN_MFA_REQUIRED=false, /api/v1/authn answers SUCCESS with a sessionToken at once.
 */
export async function createPasswordUser(h: Harness, ssws?: string): Promise<{ userId: string; email: string; password: string }> {
  const token = ssws ?? (await createApiToken(h, 'oidc-test-users')).token;
  const email = `pw-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'Correct-Horse-Battery-9';
  const res = await h.post('/api/v1/users?activate=true', { profile: { firstName: 'Pat', lastName: 'Word', email, login: email }, credentials: { password: { value: password } } }, { authorization: `SSWS ${token}`, accept: 'application/json' });
  if (res.status !== 200) throw new Error(`create user: ${res.status} ${res.text}`);
  return { userId: res.body.id as string, email, password };
}
