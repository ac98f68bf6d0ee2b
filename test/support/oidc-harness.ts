import { createServer } from 'node:net';
import { startHarness, rawRequest, type Harness } from './harness.js';
import { activeSession, registerActiveUser, type TestUser } from './api-helpers.js';

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
