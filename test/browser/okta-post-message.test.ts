/**
 * @okta/okta-auth-js `token.getWithoutPrompt` (response_mode=okta_post_message) in a real headless
 * Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against a real Latchkey.
 *
 * Two loopback origins:
 * - Latchkey, the issuer: http://127.0.0.1:<port> (the harness; PUBLIC_URL is its real address).
 * - The "app": a tiny node:http server in this file, reached as http://localhost:<appPort>. It serves a page
 *   that loads AJS's own browser build (node_modules/@okta/okta-auth-js/dist/okta-auth-js.min.js, a UMD
 *   bundle exposing `OktaAuth`), and the client's redirect URI is http://localhost:<appPort>/callback.
 *
 * Secure context: AJS generates PKCE with WebCrypto (`crypto.subtle`), which browsers expose only in
 * secure contexts. http://localhost and http://127.0.0.1 are "potentially trustworthy" origins (W3C
 * Secure Contexts §3.2), so both pages are secure contexts without TLS; the test asserts
 * `isSecureContext` rather than assuming it. (AJS's `isHTTPS()` is only consulted to word the error
 * when PKCE is unavailable.) localhost and 127.0.0.1 are also different *sites*, so the iframe AJS
 * opens is a real cross-site frame, as with a production app and its Okta org.
 *
 * The flow: the sessionToken comes from POST /api/v1/authn in Node (seed 000, step 1); the page runs
 * getWithoutPrompt({sessionToken, responseType:'code', pkce:true}); AJS fetches discovery (CORS: the
 * app's origin is in OIDC_CORS_ORIGINS), loads /authorize?…&response_mode=okta_post_message&prompt=none
 * in a hidden iframe; Latchkey's page posts {code, state} to the redirect URI's origin; AJS accepts the
 * message only if `e.origin` is the issuer's origin and the state matches, then exchanges the code with
 * the PKCE verifier at /token (CORS) and verifies the ID token against /keys (CORS).
 *
 * Origin checks proven here:
 * 1. The message AJS received came from the issuer origin (recorded by a listener on the app page).
 * 2. The target origin Latchkey used is the app's origin: read from the okta_post_message page itself
 *    (its data block names it, its CSP has `frame-ancestors <that origin>`), and the message was
 *    delivered to the app page, which the browser does only when the target origin matches.
 * 3. The same page on another origin (http://127.0.0.1:<appPort>, trusted for CORS on purpose so that
 *    only the frame/postMessage binding is left to stop it) gets nothing: Chromium refuses to frame the
 *    page (frame-ancestors names only the redirect URI's origin), no message arrives, and AJS times out.
 * 4. prompt=none without a session: AJS surfaces `login_required`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeJwt } from 'jose';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../support/harness.js';
import { createPasswordUser, freePort, sessionTokenFor, startOidcHarness } from '../support/oidc-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// CI installs Chromium (.ci/run); elsewhere a machine without it skips this file instead of failing.
const runnable = existsSync(CHROMIUM) || process.env.CI === 'true';

const require = createRequire(import.meta.url);
const AJS_BUNDLE = join(dirname(require.resolve('@okta/okta-auth-js/package.json')), 'dist', 'okta-auth-js.min.js');

/** The app page: AJS plus a function the test calls, which reports tokens or the error AJS raised. */
const APP_JS = `
window.received = [];
window.addEventListener('message', function (e) { window.received.push({ origin: e.origin, data: e.data }); });
window.signInSilently = async function (o) {
  var OktaAuthCtor = typeof OktaAuth === 'function' ? OktaAuth : OktaAuth.OktaAuth;
  var auth = new OktaAuthCtor({
    issuer: o.issuer, clientId: o.clientId, redirectUri: o.redirectUri, pkce: true,
    tokenManager: { storage: 'memory' },
  });
  try {
    var params = { responseType: 'code', pkce: true, scopes: ['openid', 'profile', 'email'], state: o.state, nonce: o.nonce, timeout: o.timeout };
    if (o.sessionToken) params.sessionToken = o.sessionToken;
    var res = await auth.token.getWithoutPrompt(params);
    return {
      secure: window.isSecureContext,
      state: res.state,
      idToken: res.tokens.idToken && res.tokens.idToken.idToken,
      accessToken: res.tokens.accessToken && res.tokens.accessToken.accessToken,
    };
  } catch (err) {
    return { secure: window.isSecureContext, error: { name: err.name, errorCode: err.errorCode, errorSummary: err.errorSummary, message: err.message } };
  }
};
`;

interface PageResult {
  secure: boolean;
  state?: string;
  idToken?: string;
  accessToken?: string;
  error?: { name: string; errorCode: string; errorSummary: string; message: string };
}
interface Received {
  origin: string;
  data: Record<string, string>;
}

function startApp(port: number): Promise<Server> {
  const ajs = readFileSync(AJS_BUNDLE);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><meta charset="utf-8"><title>app</title><script src="/okta-auth-js.min.js"></script><script src="/app.js"></script></head><body>app</body></html>');
    } else if (path === '/okta-auth-js.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(ajs);
    } else if (path === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(APP_JS);
    } else if (path === '/callback') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>callback</title>');
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe.skipIf(!runnable)('okta_post_message: AJS token.getWithoutPrompt in headless Chromium', () => {
  let h: Harness;
  let app: Server;
  let browser: Browser;
  let appOrigin: string;
  let otherOrigin: string;
  let issuer: string;
  let clientId: string;
  let user: { userId: string; email: string; password: string };
  const redirectUri = () => `${appOrigin}/callback`;

  beforeAll(async () => {
    const appPort = await freePort();
    appOrigin = `http://localhost:${appPort}`;
    otherOrigin = `http://127.0.0.1:${appPort}`;
    app = await startApp(appPort);
    // A password-only user (no factor) reaches SUCCESS at /api/v1/authn when MFA is not required.
    h = await startOidcHarness({ OIDC_CORS_ORIGINS: `${appOrigin},${otherOrigin}`, AUTHN_MFA_REQUIRED: 'false' });
    issuer = `${h.baseUrl}/oauth2/default`;
    ({ client: { clientId } } = await h.latchkey.oidc.clients.create({ clientName: 'browser-spa', redirectUris: [redirectUri()], tokenEndpointAuthMethod: 'none' }));
    user = await createPasswordUser(h);
    // chromium.launch starts Chromium with a new, empty --user-data-dir of its own (a temp folder
    // that close() removes; Playwright refuses the flag in args); each case then opens its own context.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
    await h?.close();
  });

  /** A fresh context (no cookies, no storage) with the app page loaded from `origin`. */
  async function openApp(origin: string) {
    const context: BrowserContext = await browser.newContext();
    const page = await context.newPage();
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    // Every /authorize answer the iframe got (body read while the frame lives; null if it is gone).
    const authorizePages: Array<Promise<{ url: string; csp: string | null; text: string } | null>> = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.endsWith('/v1/authorize')) {
        authorizePages.push(r.text().then((text) => ({ url: r.url(), csp: r.headers()['content-security-policy'] ?? null, text }), () => null));
      }
    });
    await page.goto(`${origin}/`);
    const run = (o: { sessionToken?: string; state: string; nonce: string; timeout?: number }) =>
      page.evaluate((args) => (globalThis as unknown as { signInSilently(a: unknown): Promise<PageResult> }).signInSilently(args), { issuer, clientId, redirectUri: redirectUri(), timeout: 10_000, ...o });
    const received = () => page.evaluate(() => (globalThis as unknown as { received: Received[] }).received);
    return { context, page, run, received, consoleLines, authorizePages };
  }

  it('gets tokens through the iframe: message from the issuer origin, addressed to the app origin', async () => {
    const sessionToken = await sessionTokenFor(h, user.email, user.password);
    const b = await openApp(appOrigin);
    try {
      const result = await b.run({ sessionToken, state: 'pm-state-1', nonce: 'pm-nonce-1' });
      expect(result.error, JSON.stringify(result.error)).toBeUndefined();
      expect(result.secure).toBe(true);
      expect(result.state).toBe('pm-state-1');

      const id = decodeJwt(result.idToken ?? '');
      expect(id).toMatchObject({ iss: issuer, aud: clientId, sub: user.userId, nonce: 'pm-nonce-1', ver: 1 });
      expect(id.amr).toEqual(expect.arrayContaining(['pwd']));
      const at = decodeJwt(result.accessToken ?? '');
      expect(at).toMatchObject({ iss: issuer, aud: 'api://default', cid: clientId, uid: user.userId });
      expect(at.scp).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));

      // What AJS accepted: one message, from the issuer's origin (AJS's own e.origin check), carrying a code.
      const messages = await b.received();
      const fromIssuer = messages.filter((m) => m.origin === new URL(h.baseUrl).origin);
      expect(fromIssuer).toHaveLength(1);
      expect(fromIssuer[0]?.data).toMatchObject({ state: 'pm-state-1', code: expect.any(String) });
      expect(fromIssuer[0]?.data.error).toBeUndefined();

      // Where Latchkey addressed it: the okta_post_message page names the redirect URI's origin as the
      // postMessage target and allows only that origin to frame it.
      expect(b.authorizePages).toHaveLength(1);
      const pm = await b.authorizePages[0];
      expect(pm).not.toBeNull();
      const authorizeUrl = new URL(pm?.url ?? 'x:/');
      expect(authorizeUrl.searchParams.get('response_mode')).toBe('okta_post_message');
      expect(authorizeUrl.searchParams.get('prompt')).toBe('none');
      expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
      const data = /<script type="application\/json" id="lk-data">(.*?)<\/script>/s.exec(pm?.text ?? '');
      expect(JSON.parse(data?.[1] ?? '{}')).toMatchObject({ origin: appOrigin, data: { state: 'pm-state-1' } });
      expect(pm?.csp).toContain(`frame-ancestors ${appOrigin};`);

      // The code went once to /token; the access token works at /userinfo.
      const info = await h.call('GET', '/oauth2/default/v1/userinfo', undefined, { authorization: `Bearer ${result.accessToken ?? ''}` });
      expect(info.status).toBe(200);
      expect(info.body.sub).toBe(user.userId);
    } finally {
      await b.context.close();
    }
  });

  it('never hands the result to another origin running the same client', async () => {
    const sessionToken = await sessionTokenFor(h, user.email, user.password);
    const b = await openApp(otherOrigin);
    try {
      const result = await b.run({ sessionToken, state: 'pm-state-2', nonce: 'pm-nonce-2', timeout: 3000 });
      expect(result.secure).toBe(true);
      expect(result.idToken).toBeUndefined();
      expect(result.error?.message).toMatch(/timed out/i);
      // Latchkey answered with the post-message page (the user is signed in) ...
      expect(b.authorizePages).toHaveLength(1);
      const pm = await b.authorizePages[0];
      expect(pm).not.toBeNull();
      expect(pm?.csp).toContain(`frame-ancestors ${appOrigin};`);
      // ... but Chromium would not frame it under this origin, so no message ever reached this page.
      expect(await b.received()).toEqual([]);
      expect(b.consoleLines.join('\n')).toMatch(new RegExp(`frame-ancestors ${appOrigin.replace(/[.:/]/g, '\\$&')}`));
    } finally {
      await b.context.close();
    }
  });

  it('prompt=none without a session: AJS surfaces login_required', async () => {
    const b = await openApp(appOrigin);
    try {
      const result = await b.run({ state: 'pm-state-3', nonce: 'pm-nonce-3' });
      expect(result.idToken).toBeUndefined();
      expect(result.error).toMatchObject({ name: 'OAuthError', errorCode: 'login_required' });
      const messages = await b.received();
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ origin: new URL(h.baseUrl).origin, data: { error: 'login_required', state: 'pm-state-3' } });
      await Promise.all(b.authorizePages);
    } finally {
      await b.context.close();
    }
  });
});
