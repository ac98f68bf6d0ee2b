import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractOtp } from '../../support/smtp-sink.js';
import { startHarness, type Harness } from '../../support/harness.js';

/**
 * The seed's whole journey over real HTTP, every code read from the mail the SMTP sink received:
 * register → activate (wrong, expired, resent) → login → mfa/verify → user → sso → logout.
 */
describe('seed API journey', () => {
  let h: Harness;
  const email = 'Dade.Murphy@example.com';
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs from registration to logout', async () => {
    // register: a user and a mailed enrolment code
    const reg = await h.post('/api/register', { firstName: 'Dade', lastName: 'Murphy', email, password });
    expect(reg.status).toBe(200);
    expect(reg.body).toEqual({ userId: expect.stringMatching(/^00u[0-9A-Za-z]{17}$/) });
    const userId = reg.body.userId as string;
    const enrolMail = await h.sink.waitForMail(email);
    expect(enrolMail.subject).toMatch(/confirm/i);
    const firstCode = extractOtp(enrolMail);

    // login before activation: only the user id, no session
    const early = await h.post('/api/login', { email, password });
    expect(early.status).toBe(200);
    expect(early.body).toEqual({ userId });

    // a wrong code is refused with Okta's E0000068
    const wrong = firstCode === '000000' ? '111111' : '000000';
    const bad = await h.post('/api/activate', { userId, otp: wrong });
    expect(bad.status).toBe(403);
    expect(bad.body).toMatchObject({ error: 'OKTA_ERROR', errorCode: 'E0000068', errorSummary: 'Invalid Passcode/Answer' });

    // the code expires after OTP_LIFETIME_SECONDS (injected clock)
    h.clock.advance(h.config.otp.lifetimeSeconds * 1000 + 1);
    const expired = await h.post('/api/activate', { userId, otp: firstCode });
    expect(expired.status).toBe(403);
    expect(expired.body.errorCode).toBe('E0000068');

    // no otp: a fresh code is mailed and the old one is dead
    const resend = await h.post('/api/activate', { userId });
    expect(resend.body).toEqual({ success: true });
    const secondCode = extractOtp(await h.sink.waitForMail(email));
    h.clock.advance(6_000);
    const third = await h.post('/api/activate', { userId });
    expect(third.status).toBe(200);
    const thirdCode = extractOtp(await h.sink.waitForMail(email));
    if (secondCode !== thirdCode) {
      const old = await h.post('/api/activate', { userId, otp: secondCode });
      expect(old.status).toBe(403);
    }
    const ok = await h.post('/api/activate', { userId, otp: thirdCode });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ success: true });
    // single use
    const again = await h.post('/api/activate', { userId, otp: thirdCode });
    expect(again.status).toBe(403);

    // login: an Okta session object waiting for the second factor
    const login = await h.post('/api/login', { email: email.toUpperCase(), password });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({
      id: expect.stringMatching(/^102[0-9A-Za-z]{22}$/),
      userId,
      login: email.toLowerCase(),
      status: 'MFA_REQUIRED',
      amr: ['pwd'],
      lastFactorVerification: null,
      idp: { type: 'OKTA' },
    });
    const sessionId = login.body.id as string;

    // the pending session is useless
    const refusedUser = await h.call('GET', `/api/user?sessionId=${sessionId}`);
    expect(refusedUser.status).toBe(403);
    expect(refusedUser.body.errorCode).toBe('E0000079');
    const refusedGrant = await h.post('/api/sso/grant', { sessionId });
    expect(refusedGrant.status).toBe(403);

    // mfa/verify: send (sends are throttled to one per 5 s per factor), then verify bound to the session
    const tooSoon = await h.post('/api/mfa/verify', { userId });
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(0);
    h.clock.advance(5_000);
    const send = await h.post('/api/mfa/verify', { userId });
    expect(send.body).toEqual({ success: true });
    const signInMail = await h.sink.waitForMail(email);
    expect(signInMail.subject).toMatch(/sign-in code/i);
    const verify = await h.post('/api/mfa/verify', { userId, otp: extractOtp(signInMail), sessionId });
    expect(verify.status).toBe(200);
    expect(verify.body).toEqual({ success: true });

    // the user, through each way the original's clients send the session id
    for (const res of [
      await h.call('GET', `/api/user?sessionId=${sessionId}`),
      await h.call('GET', '/api/user', undefined, { authorization: `Bearer ${sessionId}` }),
      await h.call('GET', '/api/user', { sessionId }),
    ]) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: userId,
        status: 'ACTIVE',
        profile: { firstName: 'Dade', lastName: 'Murphy', email, login: email.toLowerCase() },
        credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
      });
      expect(JSON.stringify(res.body)).not.toContain('argon2');
    }

    // SSO: grant → token → verify
    const grant = await h.post('/api/sso/grant', { sessionId });
    expect(grant.status).toBe(200);
    const code = grant.body.code as string;
    expect(code.length).toBeGreaterThanOrEqual(43);
    const token = await h.post('/api/sso/token', { code });
    expect(token.status).toBe(200);
    const jwt = token.body.token as string;
    const [header, payload] = jwt.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: 'HS256' });
    expect(payload).toMatchObject({ sub: userId, email, firstName: 'Dade', iss: h.config.ssoIssuer });
    expect((payload!.exp as number) - (payload!.iat as number)).toBe(36_000);
    expect(typeof payload!.jti).toBe('string');
    // the code is single use
    const replay = await h.post('/api/sso/token', { code });
    expect(replay.status).toBe(401);
    expect(replay.body.errorCode).toBe('E0000011');
    const verified = await h.post('/api/sso/verify', { token: jwt });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ firstName: 'Dade', lastName: 'Murphy', email, login: email.toLowerCase() });

    // logout, then the session is refused
    const logout = await h.post('/api/logout', { sessionId });
    expect(logout.body).toEqual({ success: true });
    const after = await h.call('GET', `/api/user?sessionId=${sessionId}`);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error: 'OKTA_ERROR', errorCode: 'E0000005' });
    const secondLogout = await h.post('/api/logout', { sessionId });
    expect(secondLogout.status).toBe(401);

    // no password, code or hash ever reached the logs
    const logs = h.logs.join('\n');
    expect(logs).not.toContain(password);
    expect(logs).not.toContain(thirdCode);
    expect(logs).not.toContain('$argon2id$');
  });
});
