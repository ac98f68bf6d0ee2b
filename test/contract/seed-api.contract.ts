import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../support/harness.js';
import { expectOktaError, getUser, loginPending, registerActiveUser, registerUser, sendChallenge, uniqueEmail, wrongCode } from '../support/api-helpers.js';
import { extractOtp } from '../support/smtp-sink.js';

/**
 * The seed API (/api/*) contract, written once and run against every identity provider
 * (embedded engine, Okta org over its REST API). Every code is read from the mail that whoever
 * holds the factors sent (the harness's `sink`).
 */
export function seedApiContract(name: string, start: () => Promise<Harness>): void {
  describe(`seed API contract: ${name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await start();
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });

    it('runs register → activate → login → mfa/verify → user → sso → logout', async () => {
      const email = uniqueEmail('journey');
      const password = 'correct horse battery staple';
      const reg = await h.post('/api/register', { firstName: 'Dade', lastName: 'Murphy', email, password });
      expect(reg.status, reg.text).toBe(200);
      expect(reg.body).toEqual({ userId: expect.stringMatching(/^00u/) });
      const userId = reg.body.userId as string;
      const firstCode = extractOtp(await h.sink.waitForMail(email));

      // before activation: only the user id
      const early = await h.post('/api/login', { email, password });
      expect(early.status, early.text).toBe(200);
      expect(early.body).toEqual({ userId });

      // wrong code, expired code
      expectOktaError(await h.post('/api/activate', { userId, otp: wrongCode(firstCode) }), 403, 'E0000068');
      h.clock.advance(h.config.otp.lifetimeSeconds * 1000 + 1);
      expectOktaError(await h.post('/api/activate', { userId, otp: firstCode }), 403, 'E0000068');

      // without otp: a fresh code
      const after = h.sink.messages.length;
      const resend = await h.post('/api/activate', { userId });
      expect(resend.status, resend.text).toBe(200);
      expect(resend.body).toEqual({ success: true });
      const secondCode = extractOtp(await h.sink.waitForMail(email, { after }));
      const ok = await h.post('/api/activate', { userId, otp: secondCode });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body).toEqual({ success: true });
      expect((await h.post('/api/activate', { userId, otp: secondCode })).status).toBe(403);

      // login: a session waiting for the second factor, useless until then
      const login = await h.post('/api/login', { email, password });
      expect(login.status, login.text).toBe(200);
      expect(login.body).toMatchObject({ id: expect.any(String), userId, status: 'MFA_REQUIRED', amr: ['pwd'], lastFactorVerification: null });
      const sessionId = login.body.id as string;
      expectOktaError(await getUser(h, sessionId), 403, 'E0000079');
      expectOktaError(await h.post('/api/sso/grant', { sessionId }), 403, 'E0000079');

      // sends are throttled
      const tooSoon = await h.post('/api/mfa/verify', { userId });
      expect(tooSoon.status, tooSoon.text).toBe(429);
      expect(tooSoon.body.error).toBe('OKTA_ERROR');
      expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(0);

      const code = await sendChallenge(h, { userId, email, password, enrolCode: '' });
      expectOktaError(await h.post('/api/mfa/verify', { userId, otp: wrongCode(code), sessionId }), 403, 'E0000068');
      const verify = await h.post('/api/mfa/verify', { userId, otp: code, sessionId });
      expect(verify.status, verify.text).toBe(200);
      expect(verify.body).toEqual({ success: true });

      for (const res of [
        await getUser(h, sessionId),
        await h.call('GET', '/api/user', undefined, { authorization: `Bearer ${sessionId}` }),
        await h.call('GET', '/api/user', { sessionId }),
      ]) {
        expect(res.status, res.text).toBe(200);
        expect(res.body).toMatchObject({
          id: userId,
          status: 'ACTIVE',
          profile: { firstName: 'Dade', lastName: 'Murphy', email, login: email.toLowerCase() },
          credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
        });
      }

      const grant = await h.post('/api/sso/grant', { sessionId });
      expect(grant.status, grant.text).toBe(200);
      const token = await h.post('/api/sso/token', { code: grant.body.code });
      expect(token.status, token.text).toBe(200);
      expectOktaError(await h.post('/api/sso/token', { code: grant.body.code }), 401, 'E0000011');
      const verified = await h.post('/api/sso/verify', { token: token.body.token });
      expect(verified.status, verified.text).toBe(200);
      expect(verified.body).toMatchObject({ firstName: 'Dade', lastName: 'Murphy', email, login: email.toLowerCase() });

      // a grant dies with its session
      const orphan = await h.post('/api/sso/grant', { sessionId });
      expect(orphan.status).toBe(200);
      const logout = await h.post('/api/logout', { sessionId });
      expect(logout.status, logout.text).toBe(200);
      expect(logout.body).toEqual({ success: true });
      expectOktaError(await h.post('/api/sso/token', { code: orphan.body.code }), 401, 'E0000011');
      expectOktaError(await getUser(h, sessionId), 401, 'E0000005');
      expectOktaError(await h.post('/api/sso/grant', { sessionId }), 401, 'E0000005');
      expectOktaError(await h.post('/api/logout', { sessionId }), 401, 'E0000005');
      // no secret in the logs
      expect(h.logs.join('\n')).not.toContain(password);
    });

    it('with sessionId upgrades exactly that session; without, only sessions older than the code', async () => {
      const user = await registerActiveUser(h);
      const first = await loginPending(h, user);
      const second = await loginPending(h, user);
      const code = await sendChallenge(h, user);
      expect((await h.post('/api/mfa/verify', { userId: user.userId, otp: code, sessionId: first })).status).toBe(200);
      expect((await getUser(h, first)).status).toBe(200);
      expectOktaError(await getUser(h, second), 403, 'E0000079');

      // without sessionId: `second` (older than the code) is upgraded, `late` (newer) is not
      const code2 = await sendChallenge(h, user);
      h.clock.advance(1000);
      const late = await loginPending(h, user);
      expect((await h.post('/api/mfa/verify', { userId: user.userId, otp: code2 })).status).toBe(200);
      expect((await getUser(h, second)).status).toBe(200);
      expectOktaError(await getUser(h, late), 403, 'E0000079');
    });

    it("refuses another user's session before looking at the code", async () => {
      const alice = await registerActiveUser(h);
      const bob = await registerActiveUser(h);
      const bobSession = await loginPending(h, bob);
      const aliceCode = await sendChallenge(h, alice);
      expectOktaError(await h.post('/api/mfa/verify', { userId: alice.userId, otp: aliceCode, sessionId: bobSession }), 401, 'E0000005');
      expectOktaError(await getUser(h, bobSession), 403, 'E0000079');
    });

    it('answers the key errors as OKTA_ERROR', async () => {
      const user = await registerUser(h);
      const dup = await h.post('/api/register', { firstName: 'A', lastName: 'B', email: user.email, password: user.password });
      expectOktaError(dup, 400, 'E0000001');
      expect(JSON.stringify(dup.body.errorCauses)).toContain('already exists');
      expectOktaError(await h.post('/api/login', { email: user.email, password: 'not the password at all' }), 401, 'E0000004');
      expectOktaError(await h.post('/api/login', { email: uniqueEmail('nobody'), password: 'whatever it is' }), 401, 'E0000004');
      expectOktaError(await h.post('/api/activate', { userId: '00u00000000000000000', otp: '123456' }), 404, 'E0000007');
      expectOktaError(await h.post('/api/mfa/verify', { userId: user.userId }), 403, 'E0000079');
      expectOktaError(await getUser(h, '102aaaaaaaaaaaaaaaaaaaaaa'), 401, 'E0000005');
    });
  });
}
