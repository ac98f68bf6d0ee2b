import { expect } from 'vitest';
import type { Harness, HttpResult } from './harness.js';
import { extractOtp } from './smtp-sink.js';

/**
 * Small building blocks for the seed API's HTTP tests: users in a known state, sessions in a
 * known state, and the assertions every error answer must pass. Everything goes over real HTTP
 * and every code is read from the mail the SMTP sink received.
 */

let counter = 0;

/** A fresh address per call (and per test file run), so tests never share a user by accident. */
export function uniqueEmail(tag = 'user'): string {
  counter += 1;
  return `${tag}.${process.pid}.${Date.now().toString(36)}.${counter}@example.com`;
}

export interface TestUser {
  userId: string;
  email: string;
  password: string;
  /** The enrolment code from the registration mail (already used once `activateUser` ran). */
  enrolCode: string;
}

export const DEFAULT_PASSWORD = 'correct horse battery staple';

/** POST /api/register, then the enrolment code from the mail. */
export async function registerUser(h: Harness, options: { email?: string; password?: string } = {}): Promise<TestUser> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? DEFAULT_PASSWORD;
  const after = h.sink.messages.length;
  const res = await h.post('/api/register', { firstName: 'Test', lastName: 'User', email, password });
  expect(res.status, res.text).toBe(200);
  const userId = res.body.userId;
  if (typeof userId !== 'string') throw new Error(`register: no userId in ${res.text}`);
  const enrolCode = extractOtp(await h.sink.waitForMail(email, { after }));
  return { userId, email, password, enrolCode };
}

/** POST /api/activate with the user's enrolment code: the email factor becomes ACTIVE. */
export async function activateUser(h: Harness, user: TestUser): Promise<void> {
  const res = await h.post('/api/activate', { userId: user.userId, otp: user.enrolCode });
  expect(res.status, res.text).toBe(200);
  expect(res.body).toEqual({ success: true });
}

/** A registered user whose email factor is ACTIVE, so a login opens an MFA_REQUIRED session. */
export async function registerActiveUser(h: Harness, options: { email?: string; password?: string } = {}): Promise<TestUser> {
  const user = await registerUser(h, options);
  await activateUser(h, user);
  return user;
}

/** POST /api/login with the right password; returns the MFA_REQUIRED session id. */
export async function loginPending(h: Harness, user: TestUser): Promise<string> {
  const res = await h.post('/api/login', { email: user.email, password: user.password });
  expect(res.status, res.text).toBe(200);
  expect(res.body.status).toBe('MFA_REQUIRED');
  const id = res.body.id;
  if (typeof id !== 'string') throw new Error(`login: no session id in ${res.text}`);
  return id;
}

/**
 * POST /api/mfa/verify without otp and the sign-in code from the mail. Sends are throttled per
 * factor (OTP_RESEND_INTERVAL_SECONDS, shared with the enrolment mail), so unless told otherwise
 * the ManualClock is first moved past that interval.
 */
export async function sendChallenge(h: Harness, user: TestUser, options: { advance?: boolean } = {}): Promise<string> {
  if (options.advance ?? true) h.clock.advance(h.config.otp.resendIntervalSeconds * 1000);
  const after = h.sink.messages.length;
  const res = await h.post('/api/mfa/verify', { userId: user.userId });
  expect(res.status, res.text).toBe(200);
  expect(res.body).toEqual({ success: true });
  return extractOtp(await h.sink.waitForMail(user.email, { after }));
}

/** An ACTIVE session: login, mail a sign-in code, verify it bound to the session. */
export async function activeSession(h: Harness, user: TestUser): Promise<string> {
  const sessionId = await loginPending(h, user);
  const code = await sendChallenge(h, user);
  const res = await h.post('/api/mfa/verify', { userId: user.userId, otp: code, sessionId });
  expect(res.status, res.text).toBe(200);
  return sessionId;
}

/** GET /api/user for a session id: 200 when ACTIVE, 403 E0000079 while MFA is owed, 401 when dead. */
export function getUser(h: Harness, sessionId: string): Promise<HttpResult> {
  return h.call('GET', `/api/user?sessionId=${encodeURIComponent(sessionId)}`);
}

/** A six-digit code guaranteed to differ from `code`. */
export function wrongCode(code: string, salt = 1): string {
  const n = (Number(code) + salt) % 1_000_000;
  return String(n === Number(code) ? (n + 1) % 1_000_000 : n).padStart(6, '0');
}

/** `count` distinct six-digit codes, none equal to `code`. */
export function wrongCodes(code: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => wrongCode(code, i + 1));
}

/** The body without its per-response errorId, for comparing two error answers. */
export function withoutErrorId(body: Record<string, unknown>): Record<string, unknown> {
  const { errorId: _errorId, ...rest } = body;
  return rest;
}

/** Moves the ManualClock to the start of the next hour, so fixed rate-limit windows start fresh and aligned. */
export function alignClockToNextHour(h: Harness): void {
  const hour = 3_600_000;
  h.clock.set(new Date((Math.floor(h.clock.now().getTime() / hour) + 1) * hour));
}

/** No stack traces, file paths or SQL in an answer. */
export function expectNoInternals(res: HttpResult): void {
  expect(res.text).not.toMatch(/node_modules|\/src\/|\bat [\w.<>]+ \(|SQLITE|sqlite|Kysely|TypeError|ReferenceError/);
}

/** `{error: "VALIDATION_ERROR", details: [Joi-shaped entries]}` with the given status. */
export function expectValidationError(res: HttpResult, status = 400): Array<{ message: string; path: (string | number)[]; type: string; context: Record<string, unknown> }> {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body.error, res.text).toBe('VALIDATION_ERROR');
  const details = res.body.details;
  expect(Array.isArray(details), res.text).toBe(true);
  const list = details as Array<{ message: string; path: (string | number)[]; type: string; context: Record<string, unknown> }>;
  expect(list.length).toBeGreaterThan(0);
  for (const d of list) {
    expect(Object.keys(d).sort()).toEqual(['context', 'message', 'path', 'type']);
    expect(typeof d.message).toBe('string');
    expect(d.message.length).toBeGreaterThan(0);
    expect(Array.isArray(d.path)).toBe(true);
    for (const p of d.path) expect(['string', 'number']).toContain(typeof p);
    expect(d.type).toMatch(/^[a-z]+\.[A-Za-z.]+$/);
    expect(typeof d.context).toBe('object');
    expect(typeof d.context.label).toBe('string');
  }
  expectNoInternals(res);
  return list;
}

/** `{error: "OKTA_ERROR", name: "OktaApiError", status, errorCode, …}` with the given status and code. */
export function expectOktaError(res: HttpResult, status: number, errorCode: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body, res.text).toMatchObject({
    error: 'OKTA_ERROR',
    name: 'OktaApiError',
    status,
    errorCode,
    errorLink: errorCode,
    errorSummary: expect.any(String),
    errorId: expect.stringMatching(/^oae[0-9A-Za-z]+$/),
    errorCauses: expect.any(Array),
    message: expect.stringContaining(errorCode),
  });
  expectNoInternals(res);
}

/** A 429 E0000047 with Retry-After and X-Rate-Limit-* (Reset in epoch seconds, after now). */
export function expectRateLimited(res: HttpResult, h: Harness, limit: number): { retryAfter: number; reset: number } {
  expectOktaError(res, 429, 'E0000047');
  const retryAfter = Number(res.headers.get('retry-after'));
  const reset = Number(res.headers.get('x-rate-limit-reset'));
  expect(Number.isInteger(retryAfter) && retryAfter > 0, `retry-after ${res.headers.get('retry-after')}`).toBe(true);
  expect(res.headers.get('x-rate-limit-limit')).toBe(String(limit));
  expect(res.headers.get('x-rate-limit-remaining')).toBe('0');
  const nowSeconds = h.clock.now().getTime() / 1000;
  expect(reset).toBeGreaterThan(nowSeconds);
  // Retry-After and Reset describe the same moment (to the second).
  expect(Math.abs(nowSeconds + retryAfter - reset)).toBeLessThanOrEqual(1);
  return { retryAfter, reset };
}
