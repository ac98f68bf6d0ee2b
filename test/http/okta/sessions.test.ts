import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser } from '../../support/api-helpers.js';
import { expectAuthn } from '../../support/authn-schema.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { createApiToken } from '../../support/okta-sdk.js';
import { expectOkta } from '../../support/okta-schemas.js';

/**
 * Okta answers `lastFactorVerification: null` for a session without MFA (okta-api.md §4, the old
 * Sessions docs), while management.yaml types it as a non-nullable string: that one field is
 * checked here, the rest by ajv.
 */
function expectSession(body: Record<string, unknown>): void {
  const { lastFactorVerification, ...rest } = body;
  expect(lastFactorVerification === null || typeof lastFactorVerification === 'string').toBe(true);
  expectOkta('Session', rest);
}

/** Okta's Sessions API and /login/sessionCookieRedirect over real HTTP; Session bodies checked against management.yaml. */
describe('Sessions API', () => {
  let h: Harness;
  let ssws: Record<string, string>;
  beforeAll(async () => {
    h = await startHarness({ AUTHN_MFA_REQUIRED: 'false', SESSION_COOKIE_REDIRECT_ORIGINS: 'https://app.example.com' });
    ssws = { authorization: `SSWS ${(await createApiToken(h)).token}`, accept: 'application/json' };
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A fresh sessionToken for a new password-only user. */
  async function sessionToken(): Promise<{ token: string; userId: string }> {
    const user = await registerUser(h);
    h.clock.advance(1001);
    const res = await h.post('/api/v1/authn', { username: user.email, password: user.password });
    expectAuthn(res.body, 'SUCCESS');
    return { token: String(res.body.sessionToken), userId: user.userId };
  }

  it('POST /sessions {sessionToken} without an API token; GET, refresh and DELETE with SSWS', async () => {
    const { token, userId } = await sessionToken();
    const created = await h.post('/api/v1/sessions', { sessionToken: token });
    expect(created.status, created.text).toBe(200);
    expectSession(created.body);
    expect(created.body).toMatchObject({ userId, status: 'ACTIVE', amr: ['pwd'], idp: { type: 'OKTA' }, lastFactorVerification: null });
    const id = String(created.body.id);
    expect(id).toMatch(/^102[0-9A-Za-z]{22}$/);

    const noToken = await h.call('GET', `/api/v1/sessions/${id}`);
    expect(noToken.status).toBe(403);
    expect(noToken.body.errorCode).toBe('E0000005');
    const badToken = await h.call('GET', `/api/v1/sessions/${id}`, undefined, { authorization: 'SSWS 00notatoken' });
    expect(badToken.status).toBe(401);
    expect(badToken.body.errorCode).toBe('E0000011');

    const got = await h.call('GET', `/api/v1/sessions/${id}`, undefined, ssws);
    expect(got.status, got.text).toBe(200);
    expectSession(got.body);
    h.clock.advance(10 * 60_000);
    const refreshed = await h.call('POST', `/api/v1/sessions/${id}/lifecycle/refresh`, undefined, ssws);
    expect(refreshed.status, refreshed.text).toBe(200);
    expectSession(refreshed.body);
    expect(new Date(String(refreshed.body.expiresAt)).getTime()).toBeGreaterThan(new Date(String(got.body.expiresAt)).getTime());

    const deleted = await h.call('DELETE', `/api/v1/sessions/${id}`, undefined, ssws);
    expect(deleted.status).toBe(204);
    const gone = await h.call('GET', `/api/v1/sessions/${id}`, undefined, ssws);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ errorCode: 'E0000007', errorSummary: `Not found: Resource not found: ${id} (Session)` });
    expect((await h.call('DELETE', `/api/v1/sessions/${id}`, undefined, ssws)).status).toBe(404);
    const events = await h.latchkey.stores.events.queryEvents({ limit: 50, order: 'ASCENDING', actorId: userId });
    expect(events.map((e) => e.eventType)).toEqual(expect.arrayContaining(['user.session.start', 'user.session.end']));
  });

  it('refuses an unknown, malformed or reused sessionToken with 401 E0000004', async () => {
    for (const sessionToken of ['nope', '20111' + 'x'.repeat(50)]) {
      const res = await h.post('/api/v1/sessions', { sessionToken });
      expect(res.status).toBe(401);
      expect(res.body.errorCode).toBe('E0000004');
    }
    const { token } = await sessionToken();
    const results = await Promise.all([1, 2, 3].map(() => h.post('/api/v1/sessions', { sessionToken: token })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
  });

  it('sessionCookieRedirect sets an HttpOnly sid cookie and redirects; /sessions/me reads it and refuses API tokens', async () => {
    const { token, userId } = await sessionToken();
    const target = 'https://app.example.com/after?x=1';
    const res = await h.call('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=${encodeURIComponent(target)}&checkAccountSetupComplete=true`);
    expect(res.status, res.text).toBe(302);
    expect(res.headers.get('location')).toBe(target);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^sid=102[0-9A-Za-z]{22}; Path=\/; HttpOnly; SameSite=Lax$/);
    const cookie = setCookie.split(';')[0] ?? '';

    const me = await h.call('GET', '/api/v1/sessions/me', undefined, { cookie });
    expect(me.status, me.text).toBe(200);
    expectSession(me.body);
    expect(me.body.userId).toBe(userId);
    const refreshed = await h.call('POST', '/api/v1/sessions/me/lifecycle/refresh', undefined, { cookie });
    expect(refreshed.status).toBe(200);
    const withApiToken = await h.call('GET', '/api/v1/sessions/me', undefined, { cookie, ...ssws });
    expect(withApiToken.status).toBe(403);
    expect(withApiToken.body.errorCode).toBe('E0000005');
    const noCookie = await h.call('GET', '/api/v1/sessions/me');
    expect(noCookie.status).toBe(404);
    expect(noCookie.body.errorSummary).toBe('Not found: Resource not found: me (Session)');

    const out = await h.call('DELETE', '/api/v1/sessions/me', undefined, { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^sid=; .*Max-Age=0/);
    expect((await h.call('GET', '/api/v1/sessions/me', undefined, { cookie })).status).toBe(404);
  });

  it('sessionCookieRedirect is never an open redirect, and a refused redirect leaves the token unused', async () => {
    const { token } = await sessionToken();
    for (const redirectUrl of ['https://evil.example.com/', '//evil.example.com/x', 'javascript:alert(1)', 'https://app.example.com.evil.com/', 'https://user@app.example.com/', 'relative/path']) {
      const res = await h.call('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=${encodeURIComponent(redirectUrl)}`);
      expect(res.status, redirectUrl).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.body.errorCode).toBe('E0000001');
    }
    // same origin as PUBLIC_URL is allowed
    const own = `${h.config.publicUrl}/app`;
    const ok = await h.call('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=${encodeURIComponent(own)}`);
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe(own);
    const reused = await h.call('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=${encodeURIComponent(own)}`);
    expect(reused.status).toBe(401);
    expect(reused.headers.get('set-cookie')).toBeNull();
  });
});
