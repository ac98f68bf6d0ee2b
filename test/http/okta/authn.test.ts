import { createHash } from 'node:crypto';
import { OktaAuth, type AuthnTransaction } from '@okta/okta-auth-js';
import { OktaAuth as OktaAuthnOnly } from '@okta/okta-auth-js/authn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode } from '../../../src/core/otp/base32.js';
import { totp } from '../../../src/core/otp/totp.js';
import { registerActiveUser, registerUser, uniqueEmail, type TestUser } from '../../support/api-helpers.js';
import { expectAuthn } from '../../support/authn-schema.js';
import { startHarness, type Harness, type HttpResult } from '../../support/harness.js';
import { expectOkta } from '../../support/okta-schemas.js';
import { answerPushMail } from '../../support/push-page.js';
import { extractOtp } from '../../support/smtp-sink.js';

/**
 * Okta's Classic authn API over real HTTP, driven by @okta/okta-auth-js 8 unchanged (its default
 * Node export) and by raw requests; every answer validated against our authn JSON Schema
 * (test/support/authn-schema.ts), every Session against Okta's management.yaml.
 */

type Tx = AuthnTransaction & { data: Record<string, unknown> };
type TxFactor = { factorType: string; provider: string; verify?: (o?: object) => Promise<Tx>; enroll?: (o?: object) => Promise<Tx> };

const sdk = (h: Harness): OktaAuth => new OktaAuth({ issuer: h.baseUrl });
const checked = (tx: AuthnTransaction, status: string): Tx => {
  expectAuthn((tx as Tx).data, status);
  return tx as Tx;
};
const factorsOf = (tx: AuthnTransaction): TxFactor[] => (tx as unknown as { factors: TxFactor[] }).factors;
const fn = <T>(value: T | undefined, name: string): T => {
  if (value === undefined) throw new Error(`okta-auth-js built no ${name}() from the links`);
  return value;
};
/** okta-auth-js's AuthApiError carries Okta's error object. */
async function apiError(promise: Promise<unknown>): Promise<{ errorCode: string; status: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { errorCode?: string; xhr?: { status?: number } };
    return { errorCode: e.errorCode ?? 'none', status: e.xhr?.status ?? 0 };
  }
  throw new Error('expected the call to fail');
}

/** Mails a challenge through the transaction's email factor and returns the code. */
async function emailCode(h: Harness, user: TestUser, send: () => Promise<Tx>): Promise<{ tx: Tx; code: string }> {
  h.clock.advance(h.config.otp.resendIntervalSeconds * 1000 + 1);
  const after = h.sink.messages.length;
  const tx = await send();
  return { tx, code: extractOtp(await h.sink.waitForMail(user.email, { after })) };
}

async function createSession(h: Harness, sessionToken: string): Promise<HttpResult> {
  return h.post('/api/v1/sessions', { sessionToken }, { accept: 'application/json' });
}

describe('authn with okta-auth-js (MFA required, the default)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('signInWithCredentials → MFA_REQUIRED → email factor.verify → MFA_CHALLENGE → verify → SUCCESS → session', async () => {
    const user = await registerActiveUser(h);
    const auth = sdk(h);
    const first = checked(await auth.signInWithCredentials({ username: user.email, password: user.password }), 'MFA_REQUIRED');
    const email = factorsOf(first).find((f) => f.factorType === 'email');
    expect(email).toBeDefined();
    const { tx: challenge, code } = await emailCode(h, user, () => fn(email?.verify, 'verify')());
    checked(challenge, 'MFA_CHALLENGE');
    expect(challenge.data).toMatchObject({ factorResult: 'CHALLENGE', _embedded: { factor: { profile: { email: expect.stringMatching(/^u\.\.\..@example\.com$/) } } } });

    // a wrong code: 403 E0000068, the transaction lives on
    const wrong = await apiError(fn(challenge.verify, 'verify')({ passCode: code === '000000' ? '111111' : '000000' }));
    expect(wrong).toEqual({ errorCode: 'E0000068', status: 403 });

    const done = checked(await fn(challenge.verify, 'verify')({ passCode: code }), 'SUCCESS');
    const sessionToken = done.sessionToken ?? '';
    expect(sessionToken).toMatch(/^20111[0-9A-Za-z]{50}$/);

    const session = await createSession(h, sessionToken);
    expect(session.status, session.text).toBe(200);
    expectOkta('Session', session.body);
    expect(session.body).toMatchObject({ userId: user.userId, status: 'ACTIVE', amr: ['pwd', 'otp', 'mfa'], lastFactorVerification: expect.any(String) });
    // the same session opens the seed API
    const me = await h.call('GET', '/api/user', undefined, { authorization: `Bearer ${String(session.body.id)}` });
    expect(me.status, me.text).toBe(200);
    // single use
    const again = await createSession(h, sessionToken);
    expect(again.status).toBe(401);
    expect(again.body.errorCode).toBe('E0000004');
  });

  it('resend, prev, resume, introspect and cancel', async () => {
    const user = await registerActiveUser(h);
    const auth = sdk(h);
    const first = checked(await auth.signInWithCredentials({ username: user.email, password: user.password }), 'MFA_REQUIRED');
    const stateToken = String(first.data.stateToken);
    const { tx: challenge } = await emailCode(h, user, () => fn(factorsOf(first)[0]?.verify, 'verify')());
    const { tx: resent, code } = await emailCode(h, user, () => (challenge.resend as (name: string) => Promise<Tx>)('email'));
    checked(resent, 'MFA_CHALLENGE');

    const introspected = checked(await auth.tx.introspect({ stateToken }), 'MFA_CHALLENGE');
    expect(introspected.data.stateToken).toBe(stateToken);
    const back = checked(await fn(resent.prev, 'prev')(), 'MFA_REQUIRED');
    const resumed = checked(await auth.tx.resume({ stateToken }), 'MFA_REQUIRED');
    expect(new Date(String(resumed.data.expiresAt)).getTime()).toBeGreaterThan(h.clock.now().getTime());

    // the newest code verifies straight from MFA_REQUIRED too
    void back;
    await fn(resumed.cancel, 'cancel')();
    expect(await apiError(auth.tx.resume({ stateToken }))).toEqual({ errorCode: 'E0000011', status: 401 });
    const late = await h.post(`/api/v1/authn/factors/${String((factorsOf(first)[0] as { id?: string }).id)}/verify`, { stateToken, passCode: code });
    expect(late.status).toBe(401);
    expect(late.body.errorCode).toBe('E0000011');
  });

  it('enrols the email factor at sign-in: MFA_ENROLL → enroll → MFA_ENROLL_ACTIVATE → activate → SUCCESS', async () => {
    const user = await registerUser(h); // email factor still pending: no active factor
    const auth = sdk(h);
    const enroll = checked(await auth.signInWithCredentials({ username: user.email, password: user.password }), 'MFA_ENROLL');
    expect(enroll.data._links).not.toHaveProperty('skip');
    const email = factorsOf(enroll).find((f) => f.factorType === 'email');
    expect(enroll.data._embedded).toMatchObject({ factors: expect.arrayContaining([expect.objectContaining({ factorType: 'email', enrollment: 'REQUIRED', status: 'NOT_SETUP' })]) });
    const { tx: activate, code } = await emailCode(h, user, () => fn(email?.enroll, 'enroll')({ profile: { email: user.email } }));
    checked(activate, 'MFA_ENROLL_ACTIVATE');
    expect(activate.data._links).toHaveProperty('resend');
    expect(await apiError(fn(activate.activate, 'activate')({ passCode: code === '000000' ? '111111' : '000000' }))).toEqual({ errorCode: 'E0000068', status: 403 });
    const done = checked(await fn(activate.activate, 'activate')({ passCode: code }), 'SUCCESS');
    const session = await createSession(h, String(done.sessionToken));
    expect(session.body).toMatchObject({ status: 'ACTIVE', amr: ['pwd', 'otp', 'mfa'] });
    // the factor is active now: the next sign-in asks for it
    checked(await sdk(h).signInWithCredentials({ username: user.email, password: user.password }), 'MFA_REQUIRED');
  });

  it('multiOptionalFactorEnroll: TOTP enrolment, back to MFA_ENROLL with skip; then TOTP verify at sign-in', async () => {
    const user = await registerUser(h);
    const auth = sdk(h);
    const enroll = checked(
      await auth.signInWithCredentials({ username: user.email, password: user.password, options: { multiOptionalFactorEnroll: true } } as Parameters<OktaAuth['signInWithCredentials']>[0]),
      'MFA_ENROLL',
    );
    const totpEntry = factorsOf(enroll).find((f) => f.factorType === 'token:software:totp' && f.provider === 'GOOGLE');
    const activate = checked(await fn(totpEntry?.enroll, 'enroll')(), 'MFA_ENROLL_ACTIVATE');
    const activation = (activate.data._embedded as { factor: { _embedded: { activation: { sharedSecret: string; timeStep: number } } } }).factor._embedded.activation;
    expect(activation).toMatchObject({ timeStep: 30, encoding: 'base32', keyLength: 6 });
    const key = base32Decode(activation.sharedSecret);
    const more = checked(await fn(activate.activate, 'activate')({ passCode: totp(key, h.clock.now()) }), 'MFA_ENROLL');
    expect(more.data._links).toHaveProperty('skip');
    const done = checked(await fn(more.skip, 'skip')(), 'SUCCESS');
    expect(done.sessionToken).toBeTruthy();

    h.clock.advance(31_000);
    const next = checked(await sdk(h).signInWithCredentials({ username: user.email, password: user.password }), 'MFA_REQUIRED');
    const factor = factorsOf(next).find((f) => f.factorType === 'token:software:totp');
    const code = totp(key, h.clock.now());
    const ok = checked(await fn(factor?.verify, 'verify')({ passCode: code, rememberDevice: true }), 'SUCCESS');
    expect(ok.sessionToken).toBeTruthy();
    // the same code again: refused (replay)
    const third = checked(await sdk(h).signInWithCredentials({ username: user.email, password: user.password }), 'MFA_REQUIRED');
    const replay = await apiError(fn(factorsOf(third).find((f) => f.factorType === 'token:software:totp')?.verify, 'verify')({ passCode: code }));
    expect(replay.status).toBe(403);
  });

  it('push: verify → WAITING with next poll → approve by mail → poll ends in SUCCESS; deny → REJECTED', async () => {
    const user = await registerUser(h);
    // an active push factor, enrolled straight into the store (push enrolment at sign-in is not supported)
    const now = h.clock.now();
    await h.latchkey.stores.factors.createFactor({
      id: 'opf' + Math.random().toString(36).slice(2, 10).padEnd(17, '0').slice(0, 17),
      userId: user.userId,
      factorType: 'push',
      provider: 'OKTA',
      status: 'ACTIVE',
      profile: { credentialId: user.email, deviceType: 'Email', name: user.email, platform: 'LATCHKEY', version: '1' },
      created: now,
      lastUpdated: now,
    });
    const auth = sdk(h);
    const first = checked(await auth.signInWithCredentials({ username: user.email, password: user.password }), 'MFA_REQUIRED');
    const push = factorsOf(first).find((f) => f.factorType === 'push');
    const after = h.sink.messages.length;
    const waiting = checked(await fn(push?.verify, 'verify')({ autoPush: true }), 'MFA_CHALLENGE');
    expect(waiting.data).toMatchObject({ factorResult: 'WAITING', _links: { next: { name: 'poll' } } });
    const polled = fn(waiting.poll as ((o?: object) => Promise<Tx>) | undefined, 'poll')({ delay: 50 });
    await answerPushMail(h, await h.sink.waitForMail(user.email, { after }), 'approve');
    checked(await polled, 'SUCCESS');

    const second = checked(await sdk(h).signInWithCredentials({ username: user.email, password: user.password }), 'MFA_REQUIRED');
    const after2 = h.sink.messages.length;
    const waiting2 = checked(await fn(factorsOf(second).find((f) => f.factorType === 'push')?.verify, 'verify')(), 'MFA_CHALLENGE');
    const polled2 = fn(waiting2.poll as ((o?: object) => Promise<Tx>) | undefined, 'poll')({ delay: 50 });
    await answerPushMail(h, await h.sink.waitForMail(user.email, { after: after2 }), 'deny');
    const rejected = checked(await polled2, 'MFA_CHALLENGE');
    expect(rejected.data).toMatchObject({ factorResult: 'REJECTED', _links: { next: { name: 'verify' } } });

    // unanswered: polling (which slides the stateToken) ends in TIMEOUT, still MFA_CHALLENGE, next = verify
    const start3 = await h.post('/api/v1/authn', { username: user.email, password: user.password });
    const stateToken = String(start3.body.stateToken);
    const pushId = String(((start3.body._embedded as { factors: { id: string; factorType: string }[] }).factors.find((f) => f.factorType === 'push') as { id: string }).id);
    const poll = () => h.post(`/api/v1/authn/factors/${pushId}/verify`, { stateToken });
    // polls are not rate-limited like guesses (okta-auth-js polls every 500 ms)
    for (let i = 0; i < h.config.rateLimits.otpVerifyPerAccount + 5; i++) expect((await poll()).body.factorResult).toBe('WAITING');
    for (let i = 0; i < 3; i++) {
      h.clock.advance(110_000);
      const res = await poll();
      expectAuthn(res.body, 'MFA_CHALLENGE');
      if (i < 2) expect(res.body.factorResult).toBe('WAITING');
      else expect(res.body).toMatchObject({ factorResult: 'TIMEOUT', _links: { next: { name: 'verify' } } });
    }
  });

  it("the '/authn' export signs in too; tokens rest only as SHA-256; parallel verifies of one code succeed once", async () => {
    const user = await registerActiveUser(h);
    const auth = new OktaAuthnOnly({ issuer: h.baseUrl });
    const first = checked(await auth.signInWithCredentials({ username: user.email, password: user.password }), 'MFA_REQUIRED');
    const stateToken = String(first.data.stateToken);
    expect(stateToken).toMatch(/^00[0-9A-Za-z]{40}$/);
    const sha = (v: string) => createHash('sha256').update(v).digest('hex');
    const rows = await h.latchkey.database.db.selectFrom('authn_transactions').selectAll().execute();
    expect(rows.some((r) => r.state_token_hash === sha(stateToken))).toBe(true);
    expect(rows.every((r) => !r.data.includes(stateToken))).toBe(true);

    const { tx: challenge, code } = await emailCode(h, user, () => fn(factorsOf(first)[0]?.verify, 'verify')());
    const href = (challenge.data._links as { next: { href: string } }).next.href.replace(h.baseUrl, '');
    const results = await Promise.all([1, 2, 3].map(() => h.post(href, { stateToken, passCode: code })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expectAuthn(ok[0]?.body, 'SUCCESS');
    const sessionToken = String(ok[0]?.body.sessionToken);
    const after = await h.latchkey.database.db.selectFrom('authn_transactions').selectAll().where('state_token_hash', '=', sha(stateToken)).executeTakeFirst();
    expect(after?.session_token_hash).toBe(sha(sessionToken));
    expect(after?.data.includes(sessionToken)).toBe(false);
  });

  it('refuses bad, expired and wrong-state stateTokens', async () => {
    const user = await registerActiveUser(h);
    for (const stateToken of ['nope', '00' + 'A'.repeat(40)]) {
      const res = await h.post('/api/v1/authn', { stateToken });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ errorCode: 'E0000011', errorSummary: 'Invalid token provided' });
    }
    const start = await h.post('/api/v1/authn', { username: user.email, password: user.password });
    expectAuthn(start.body, 'MFA_REQUIRED');
    const stateToken = String(start.body.stateToken);
    const wrongState = await h.post('/api/v1/authn/credentials/change_password', { stateToken, oldPassword: user.password, newPassword: 'another long password 1' });
    expect(wrongState.status).toBe(403);
    expect(wrongState.body.errorCode).toBe('E0000079');
    const skip = await h.post('/api/v1/authn/skip', { stateToken });
    expect(skip.body.errorCode).toBe('E0000079');
    // sliding: each call moves expiresAt; idle past it, the token is dead
    h.clock.advance((h.config.authn.transactionIdleSeconds - 10) * 1000);
    const alive = await h.post('/api/v1/authn/introspect', { stateToken });
    expect(alive.status).toBe(200);
    h.clock.advance(h.config.authn.transactionIdleSeconds * 1000 + 1);
    const dead = await h.post('/api/v1/authn', { stateToken });
    expect(dead.status).toBe(401);
    expect(dead.body.errorCode).toBe('E0000011');
  });

  it('answers 401 E0000004 alike for a wrong password and an unknown user, and rate-limits 4/s per username', async () => {
    const user = await registerActiveUser(h);
    h.clock.advance(1000);
    const wrong = await h.post('/api/v1/authn', { username: user.email, password: 'not the password' });
    const unknown = await h.post('/api/v1/authn', { username: uniqueEmail('ghost'), password: 'not the password' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errorCode: 'E0000004', errorSummary: 'Authentication failed', errorLink: 'E0000004', errorId: expect.stringMatching(/^oae/), errorCauses: [] });
    }
    h.clock.advance(1000);
    const statuses: number[] = [];
    let limited: HttpResult | undefined;
    for (let i = 0; i < 5; i++) {
      const res = await h.post('/api/v1/authn', { username: user.email.toUpperCase(), password: 'wrong' });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect(limited?.body.errorCode).toBe('E0000047');
    expect(limited?.headers.get('x-rate-limit-limit')).toBe('4');
    expect(limited?.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(Number(limited?.headers.get('x-rate-limit-reset'))).toBeGreaterThan(0);
    expect(limited?.headers.get('date')).toBeTruthy();
  });

  it('hides a lockout by default: the right password after 10 failures still gets 401 E0000004', async () => {
    const user = await registerActiveUser(h);
    for (let i = 0; i < h.config.lockout.threshold; i++) {
      h.clock.advance(1001);
      expect((await h.post('/api/v1/authn', { username: user.email, password: `wrong ${i}` })).status).toBe(401);
    }
    h.clock.advance(1001);
    const right = await h.post('/api/v1/authn', { username: user.email, password: user.password });
    expect(right.status).toBe(401);
    expect(right.body.errorCode).toBe('E0000004');
    const events = await h.latchkey.stores.events.queryEvents({ limit: 100, order: 'ASCENDING', actorId: user.userId });
    expect(events.map((e) => e.eventType)).toContain('user.account.lock');
  });
});

describe('authn: seed 000 curl requests, password expiry, shown lockouts (MFA not required)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      AUTHN_MFA_REQUIRED: 'false',
      AUTHN_SHOW_LOCKOUT_FAILURES: 'true',
      LOCKOUT_THRESHOLD: '3',
      PASSWORD_MAX_AGE_DAYS: '30',
      PASSWORD_EXPIRE_WARN_DAYS: '10',
    });
  });
  afterAll(async () => {
    await h?.close();
  });
  const curlHeaders = { Accept: 'application/json', 'Content-Type': 'application/json' };

  it('replays seed 000 literally: SUCCESS for a password-only user; MFA_REQUIRED → verify → passCode → SUCCESS', async () => {
    await registerUser(h, { email: 'dade.murphy@example.com', password: 'correcthorsebatterystaple' });
    const first = await h.call('POST', '/api/v1/authn', `{
"username": "dade.murphy@example.com",
"password": "correcthorsebatterystaple",
"options": {
"multiOptionalFactorEnroll": false,
"warnBeforePasswordExpired": false
}
}`, curlHeaders);
    expect(first.status, first.text).toBe(200);
    expectAuthn(first.body, 'SUCCESS');
    expect(first.body).toMatchObject({ _embedded: { user: { profile: { login: 'dade.murphy@example.com' } } } });

    const user = await registerActiveUser(h, { email: 'exampleuser@mailinator.com', password: 'Test123!' });
    const second = await h.call('POST', '/api/v1/authn', `{
"username": "exampleuser@mailinator.com",
"password": "Test123!",
"options": {
"multiOptionalFactorEnroll": true,
"warnBeforePasswordExpired": true
}
}`, curlHeaders);
    expectAuthn(second.body, 'MFA_REQUIRED');
    const stateToken = String(second.body.stateToken);
    const factorId = String(((second.body._embedded as { factors: { id: string }[] }).factors[0] as { id: string }).id);
    h.clock.advance(h.config.otp.resendIntervalSeconds * 1000 + 1);
    const after = h.sink.messages.length;
    // the seed's body has a trailing comma; Okta accepts it, so do we
    const challenge = await h.call('POST', `/api/v1/authn/factors/${factorId}/verify`, `{
"stateToken": "${stateToken}",
}`, curlHeaders);
    expect(challenge.status, challenge.text).toBe(200);
    expectAuthn(challenge.body, 'MFA_CHALLENGE');
    const code = extractOtp(await h.sink.waitForMail(user.email, { after }));
    const done = await h.call('POST', `/api/v1/authn/factors/${factorId}/verify`, `{
"stateToken": "${stateToken}",
"passCode": "${code}"
}`, curlHeaders);
    expectAuthn(done.body, 'SUCCESS');
    expect(done.headers.get('content-type')).toMatch(/^application\/json/);
    expect(done.headers.get('x-okta-request-id')).toBeTruthy();
  });

  it('PASSWORD_WARN with warnBeforePasswordExpired (skip), then PASSWORD_EXPIRED → changePassword', async () => {
    const user = await registerUser(h);
    h.clock.advance(25 * 86_400_000);
    const warnTx = checked(
      await sdk(h).signInWithCredentials({ username: user.email, password: user.password, options: { warnBeforePasswordExpired: true } } as Parameters<OktaAuth['signInWithCredentials']>[0]),
      'PASSWORD_WARN',
    );
    expect(warnTx.data._embedded).toMatchObject({ policy: { expiration: { passwordExpireDays: 5 } } });
    checked(await fn(warnTx.skip, 'skip')(), 'SUCCESS');
    // without the option: straight to SUCCESS
    h.clock.advance(1001);
    checked(await sdk(h).signInWithCredentials({ username: user.email, password: user.password }), 'SUCCESS');

    h.clock.advance(6 * 86_400_000);
    const expired = checked(await sdk(h).signInWithCredentials({ username: user.email, password: user.password }), 'PASSWORD_EXPIRED');
    const change = fn(expired.changePassword, 'changePassword');
    expect(await apiError(change({ oldPassword: 'not it at all', newPassword: 'a brand new passphrase' }))).toEqual({ errorCode: 'E0000014', status: 403 });
    expect(await apiError(change({ oldPassword: user.password, newPassword: 'short' }))).toEqual({ errorCode: 'E0000080', status: 403 });
    checked(await change({ oldPassword: user.password, newPassword: 'a brand new passphrase' }), 'SUCCESS');
    h.clock.advance(1001);
    checked(await sdk(h).signInWithCredentials({ username: user.email, password: 'a brand new passphrase' }), 'SUCCESS');
  });

  it('an admin-expired password (status PASSWORD_EXPIRED) goes through PASSWORD_EXPIRED too', async () => {
    const user = await registerUser(h);
    await h.latchkey.stores.identity.setUserStatus(user.userId, 'PASSWORD_EXPIRED', h.clock.now());
    const res = await h.post('/api/v1/authn', { username: user.email, password: user.password });
    expectAuthn(res.body, 'PASSWORD_EXPIRED');
    expect(res.body._links).not.toHaveProperty('skip');
  });

  it('shows LOCKED_OUT when AUTHN_SHOW_LOCKOUT_FAILURES=true', async () => {
    const user = await registerUser(h);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      h.clock.advance(1001);
      statuses.push((await h.post('/api/v1/authn', { username: user.email, password: `wrong ${i}` })).status);
    }
    expect(statuses).toEqual([401, 401, 200]);
    h.clock.advance(1001);
    const locked = await h.post('/api/v1/authn', { username: user.email, password: user.password });
    expect(locked.status).toBe(200);
    expectAuthn(locked.body, 'LOCKED_OUT');
    expect(locked.body).not.toHaveProperty('stateToken');
  });

  it('a sessionToken expires after 5 minutes', async () => {
    const user = await registerUser(h);
    h.clock.advance(1001);
    const res = await h.post('/api/v1/authn', { username: user.email, password: user.password });
    expectAuthn(res.body, 'SUCCESS');
    h.clock.advance(h.config.authn.sessionTokenSeconds * 1000 + 1);
    const late = await createSession(h, String(res.body.sessionToken));
    expect(late.status).toBe(401);
    expect(late.body.errorCode).toBe('E0000004');
  });
});
