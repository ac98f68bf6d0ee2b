import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type HttpResult } from '../../support/harness.js';
import { extractOtp } from '../../support/smtp-sink.js';
import {
  alignClockToNextHour,
  expectOktaError,
  expectRateLimited,
  getUser,
  loginPending,
  registerActiveUser,
  registerUser,
  sendChallenge,
  uniqueEmail,
  withoutErrorId,
  wrongCodes,
  type TestUser,
} from '../../support/api-helpers.js';

/**
 * Brute-force defences over real HTTP: per-account lockout, per-account and per-IP login limits,
 * and the one-time code rules (attempt cap, parallel guesses, resend throttle, hourly cap, binding).
 */

const login = (h: Harness, email: string, password: string) => h.post('/api/login', { email, password });
const WRONG = 'definitely the wrong password';

describe('per-account lockout', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** `n` wrong passwords in a row, each the plain 401; returns the last answer. */
  async function fail(user: TestUser, n: number): Promise<HttpResult> {
    let last: HttpResult | undefined;
    for (let i = 0; i < n; i++) {
      last = await login(h, user.email, WRONG);
      expectOktaError(last, 401, 'E0000004');
    }
    if (last === undefined) throw new Error('fail(0)');
    return last;
  }

  it('locks after LOCKOUT_THRESHOLD straight failures; the right password is then answered like a wrong one', async () => {
    const threshold = h.config.lockout.threshold;
    expect(threshold).toBe(10);
    const user = await registerActiveUser(h);
    // The right password works before.
    expect((await login(h, user.email, user.password)).body.status).toBe('MFA_REQUIRED');

    const lastWrong = await fail(user, threshold);
    const rightWhileLocked = await login(h, user.email, user.password);
    expect(rightWhileLocked.status).toBe(lastWrong.status);
    expect(withoutErrorId(rightWhileLocked.body)).toEqual(withoutErrorId(lastWrong.body));
    expect(rightWhileLocked.body.errorId).not.toBe(lastWrong.body.errorId);
    expect(rightWhileLocked.body.id).toBeUndefined();
    expect(rightWhileLocked.text).not.toMatch(/lock/i);
    // Still locked one second before the end of the lockout, with the right password again.
    h.clock.advance(h.config.lockout.durationSeconds * 1000 - 1000);
    expectOktaError(await login(h, user.email, user.password), 401, 'E0000004');

    // After LOCKOUT_DURATION_SECONDS the right password opens a session again.
    h.clock.advance(1000);
    const after = await login(h, user.email, user.password);
    expect(after.status, after.text).toBe(200);
    expect(after.body).toMatchObject({ status: 'MFA_REQUIRED', userId: user.userId });
  });

  it('a lockout that ran out leaves a fresh counter: one more mistake does not lock again', async () => {
    const threshold = h.config.lockout.threshold;
    const user = await registerActiveUser(h);
    await fail(user, threshold);
    expectOktaError(await login(h, user.email, user.password), 401, 'E0000004');
    h.clock.advance(h.config.lockout.durationSeconds * 1000);
    // A typo right after the lockout ends, then the right password.
    await fail(user, 1);
    const ok = await login(h, user.email, user.password);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.status).toBe('MFA_REQUIRED');
  });

  it('a success resets the counter', async () => {
    const threshold = h.config.lockout.threshold;
    const user = await registerActiveUser(h);
    await fail(user, threshold - 1);
    expect((await login(h, user.email, user.password)).status).toBe(200);
    // New per-minute window for the per-account login limit (20/min by default).
    h.clock.advance(60_000);
    await fail(user, threshold - 1);
    const stillOpen = await login(h, user.email, user.password);
    expect(stillOpen.status, stillOpen.text).toBe(200);
    expect(stillOpen.body.status).toBe('MFA_REQUIRED');

    // …and it is really counting: threshold straight failures from here lock.
    h.clock.advance(60_000);
    await fail(user, threshold);
    expectOktaError(await login(h, user.email, user.password), 401, 'E0000004');
  });

  it('a user whose email factor is not active yet locks the same way', async () => {
    const user = await registerUser(h);
    expect((await login(h, user.email, user.password)).body).toEqual({ userId: user.userId });
    await fail(user, h.config.lockout.threshold);
    const locked = await login(h, user.email, user.password);
    expectOktaError(locked, 401, 'E0000004');
    expect(locked.body.userId).toBeUndefined();
  });
});

describe('login rate limits', () => {
  let h: Harness;
  const PER_ACCOUNT = 3;
  const PER_IP = 10;
  beforeAll(async () => {
    h = await startHarness({
      RATE_LIMIT_LOGIN_PER_ACCOUNT: String(PER_ACCOUNT),
      RATE_LIMIT_LOGIN_PER_IP: String(PER_IP),
      LOCKOUT_THRESHOLD: '100',
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('per account: the next attempt past the limit is 429 with Retry-After and X-Rate-Limit-*, even with the right password', async () => {
    const user = await registerActiveUser(h);
    alignClockToNextHour(h);
    for (let i = 0; i < PER_ACCOUNT; i++) expectOktaError(await login(h, user.email, WRONG), 401, 'E0000004');
    const limited = await login(h, user.email, user.password);
    const { retryAfter } = expectRateLimited(limited, h, PER_ACCOUNT);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.id).toBeUndefined();
    // Another account from the same address is not affected (the IP budget is larger)…
    expectOktaError(await login(h, uniqueEmail('other'), WRONG), 401, 'E0000004');
    // …and the email is matched case-insensitively, so changing its case is no way around the limit.
    expectRateLimited(await login(h, user.email.toUpperCase(), user.password), h, PER_ACCOUNT);

    // Next window: the right password works again.
    h.clock.advance(retryAfter * 1000);
    const ok = await login(h, user.email, user.password);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.status).toBe('MFA_REQUIRED');
  });

  it('unknown accounts are limited exactly like known ones', async () => {
    const user = await registerActiveUser(h);
    const unknown = uniqueEmail('ghost');
    alignClockToNextHour(h);
    const known: HttpResult[] = [];
    const ghost: HttpResult[] = [];
    for (let i = 0; i <= PER_ACCOUNT; i++) {
      known.push(await login(h, user.email, WRONG));
      ghost.push(await login(h, unknown, WRONG));
    }
    for (let i = 0; i <= PER_ACCOUNT; i++) {
      const k = known[i] as HttpResult;
      const g = ghost[i] as HttpResult;
      expect(g.status, `attempt ${i + 1}`).toBe(k.status);
      expect(withoutErrorId(g.body)).toEqual(withoutErrorId(k.body));
      for (const header of ['retry-after', 'x-rate-limit-limit', 'x-rate-limit-reset']) {
        expect(g.headers.get(header), header).toBe(k.headers.get(header));
      }
    }
    expect(known.slice(0, PER_ACCOUNT).map((r) => r.status)).toEqual(Array(PER_ACCOUNT).fill(401));
    expectRateLimited(known[PER_ACCOUNT] as HttpResult, h, PER_ACCOUNT);
    expectRateLimited(ghost[PER_ACCOUNT] as HttpResult, h, PER_ACCOUNT);
  });

  it('per IP: past the limit every login from the address is 429, whatever the account', async () => {
    const user = await registerActiveUser(h);
    alignClockToNextHour(h);
    for (let i = 0; i < PER_IP; i++) expectOktaError(await login(h, uniqueEmail('spray'), WRONG), 401, 'E0000004');
    const limited = await login(h, uniqueEmail('spray'), WRONG);
    const { retryAfter } = expectRateLimited(limited, h, PER_IP);
    // The right password of a real, never-tried account is refused too: no session.
    const real = await login(h, user.email, user.password);
    expectRateLimited(real, h, PER_IP);
    expect(real.body.id).toBeUndefined();

    h.clock.advance(retryAfter * 1000);
    const ok = await login(h, user.email, user.password);
    expect(ok.status, ok.text).toBe(200);
  });
});

describe('one-time codes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const activate = (user: TestUser, otp?: string) =>
    h.post('/api/activate', otp === undefined ? { userId: user.userId } : { userId: user.userId, otp });
  const verify = (user: TestUser, otp: string, sessionId?: string) =>
    h.post('/api/mfa/verify', { userId: user.userId, otp, ...(sessionId === undefined ? {} : { sessionId }) });

  async function resendEnrol(user: TestUser): Promise<string> {
    h.clock.advance(h.config.otp.resendIntervalSeconds * 1000);
    const after = h.sink.messages.length;
    const res = await activate(user);
    expect(res.status, res.text).toBe(200);
    return extractOtp(await h.sink.waitForMail(user.email, { after }));
  }

  it('5 wrong enrolment codes kill the code; a new one must be requested', async () => {
    expect(h.config.otp.maxAttempts).toBe(5);
    const user = await registerUser(h);
    for (const guess of wrongCodes(user.enrolCode, 5)) expectOktaError(await activate(user, guess), 403, 'E0000068');
    expectOktaError(await activate(user, user.enrolCode), 403, 'E0000068');
    const fresh = await resendEnrol(user);
    const ok = await activate(user, fresh);
    expect(ok.status, ok.text).toBe(200);
  });

  it('4 wrong codes do not: the fifth try with the right code still works', async () => {
    const user = await registerUser(h);
    for (const guess of wrongCodes(user.enrolCode, 4)) expectOktaError(await activate(user, guess), 403, 'E0000068');
    expect((await activate(user, user.enrolCode)).status).toBe(200);
  });

  it('5 wrong sign-in codes kill the code; a new one must be requested', async () => {
    const user = await registerActiveUser(h);
    const sessionId = await loginPending(h, user);
    const code = await sendChallenge(h, user);
    for (const guess of wrongCodes(code, 5)) expectOktaError(await verify(user, guess, sessionId), 403, 'E0000068');
    expectOktaError(await verify(user, code, sessionId), 403, 'E0000068');
    expectOktaError(await getUser(h, sessionId), 403, 'E0000079');
    const fresh = await sendChallenge(h, user);
    expect((await verify(user, fresh, sessionId)).status).toBe(200);
    expect((await getUser(h, sessionId)).status).toBe(200);
  });

  it('50 parallel wrong enrolment guesses: afterwards the right code fails (attempts counted before comparing)', async () => {
    const user = await registerUser(h);
    const answers = await Promise.all(wrongCodes(user.enrolCode, 50).map((guess) => activate(user, guess)));
    for (const res of answers) {
      if (res.status === 429) expectOktaError(res, 429, 'E0000047');
      else expectOktaError(res, 403, 'E0000068');
    }
    // The per-account verify budget lets exactly that many through to the code check.
    expect(answers.filter((r) => r.status === 403).length).toBe(h.config.rateLimits.otpVerifyPerAccount);
    h.clock.advance(60_000);
    expectOktaError(await activate(user, user.enrolCode), 403, 'E0000068');
  });

  it('50 parallel wrong sign-in guesses: only 403/429, and afterwards the right code fails', async () => {
    const user = await registerActiveUser(h);
    // Activation spent one of the account's verify budget; start the burst in a fresh window.
    h.clock.advance(60_000);
    const sessionId = await loginPending(h, user);
    const code = await sendChallenge(h, user);
    const answers = await Promise.all(wrongCodes(code, 50).map((guess) => verify(user, guess, sessionId)));
    const statuses = answers.map((r) => r.status);
    expect(new Set(statuses).size).toBeLessThanOrEqual(2);
    for (const res of answers) {
      if (res.status === 429) expectOktaError(res, 429, 'E0000047');
      else expectOktaError(res, 403, 'E0000068');
    }
    // The per-account verify budget lets exactly that many through to the code check.
    expect(statuses.filter((s) => s === 403).length).toBe(h.config.rateLimits.otpVerifyPerAccount);
    // Past the per-minute verify window (the code itself lives 5 minutes), the right code is dead.
    h.clock.advance(60_000);
    expectOktaError(await verify(user, code, sessionId), 403, 'E0000068');
    expectOktaError(await getUser(h, sessionId), 403, 'E0000079');
  });

  it('resends are throttled to one per OTP_RESEND_INTERVAL_SECONDS per factor, and a refused resend keeps the code', async () => {
    const interval = h.config.otp.resendIntervalSeconds * 1000;
    expect(interval).toBe(5000);
    alignClockToNextHour(h);
    const user = await registerUser(h);
    const tooSoon = await activate(user);
    const { retryAfter } = expectRateLimited(tooSoon, h, 1);
    expect(retryAfter).toBeLessThanOrEqual(5);
    h.clock.advance(interval - 1);
    expectRateLimited(await activate(user), h, 1);
    // The refused resends neither mailed nor killed the first code.
    expect(h.sink.messages.filter((m) => m.text?.includes(user.enrolCode) === true && JSON.stringify(m.to).includes(user.email)).length).toBe(1);
    h.clock.advance(1);
    const after = h.sink.messages.length;
    expect((await activate(user)).status).toBe(200);
    const second = extractOtp(await h.sink.waitForMail(user.email, { after }));
    // The resend killed the first code (unless, one time in a million, both are the same digits).
    if (second !== user.enrolCode) expectOktaError(await activate(user, user.enrolCode), 403, 'E0000068');
    expect((await activate(user, second)).status).toBe(200);

    // Sign-in codes are throttled the same way.
    h.clock.advance(interval);
    const signIn = await h.post('/api/mfa/verify', { userId: user.userId });
    expect(signIn.status, signIn.text).toBe(200);
    expectRateLimited(await h.post('/api/mfa/verify', { userId: user.userId }), h, 1);
  });

  it('a code for user A fails for user B', async () => {
    const a = await registerUser(h);
    const b = await registerUser(h);
    let bCode = b.enrolCode;
    while (bCode === a.enrolCode) bCode = await resendEnrol(b);
    expectOktaError(await activate(b, a.enrolCode), 403, 'E0000068');
    expect((await activate(b, bCode)).status).toBe(200);
    expect((await activate(a, a.enrolCode)).status).toBe(200);

    // Sign-in codes too.
    const aSession = await loginPending(h, a);
    const bSession = await loginPending(h, b);
    const aSignIn = await sendChallenge(h, a);
    let bSignIn = await sendChallenge(h, b, { advance: false });
    while (bSignIn === aSignIn) bSignIn = await sendChallenge(h, b);
    expectOktaError(await verify(b, aSignIn, bSession), 403, 'E0000068');
    expectOktaError(await verify(b, aSignIn), 403, 'E0000068');
    expectOktaError(await getUser(h, bSession), 403, 'E0000079');
    expect((await verify(a, aSignIn, aSession)).status).toBe(200);
    expect((await verify(b, bSignIn, bSession)).status).toBe(200);
  });

  it('an enrolment code cannot verify a sign-in, and a sign-in code cannot confirm an enrolment', async () => {
    // Pending factor with a live enrolment code: /api/mfa/verify refuses it and does not use it up.
    const user = await registerUser(h);
    expectOktaError(await verify(user, user.enrolCode), 403, 'E0000079');
    expect((await activate(user, user.enrolCode)).status).toBe(200);

    // Active factor with a live sign-in code: /api/activate refuses it and does not use it up.
    const sessionId = await loginPending(h, user);
    const code = await sendChallenge(h, user);
    expectOktaError(await activate(user, code), 403, 'E0000079');
    expectOktaError(await getUser(h, sessionId), 403, 'E0000079');
    // The used enrolment code is no sign-in code either.
    if (user.enrolCode !== code) expectOktaError(await verify(user, user.enrolCode, sessionId), 403, 'E0000068');
    expect((await verify(user, code, sessionId)).status).toBe(200);
    expect((await getUser(h, sessionId)).status).toBe(200);
  });
});

describe('hourly OTP send cap', () => {
  let h: Harness;
  const CAP = 3;
  beforeAll(async () => {
    h = await startHarness({ OTP_SENDS_PER_HOUR: String(CAP) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses sends past OTP_SENDS_PER_HOUR until the hour is over, across enrolment and sign-in', async () => {
    alignClockToNextHour(h);
    const user = await registerUser(h); // send 1
    const interval = h.config.otp.resendIntervalSeconds * 1000;
    let code = user.enrolCode;
    for (let i = 2; i <= CAP; i++) {
      h.clock.advance(interval);
      const after = h.sink.messages.length;
      expect((await h.post('/api/activate', { userId: user.userId })).status).toBe(200);
      code = extractOtp(await h.sink.waitForMail(user.email, { after }));
    }
    h.clock.advance(interval);
    const capped = await h.post('/api/activate', { userId: user.userId });
    const { retryAfter } = expectRateLimited(capped, h, CAP);
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // The refused send left the last code alive.
    expect((await h.post('/api/activate', { userId: user.userId, otp: code })).status).toBe(200);
    // Sign-in sends count against the same cap.
    h.clock.advance(interval);
    expectRateLimited(await h.post('/api/mfa/verify', { userId: user.userId }), h, CAP);

    h.clock.advance(retryAfter * 1000);
    const after = h.sink.messages.length;
    expect((await h.post('/api/mfa/verify', { userId: user.userId })).status).toBe(200);
    expect(extractOtp(await h.sink.waitForMail(user.email, { after }))).toMatch(/^\d{6}$/);
  });
});
