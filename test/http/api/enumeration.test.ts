import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type HttpResult } from '../../support/harness.js';
import { expectOktaError, registerActiveUser, registerUser, uniqueEmail, withoutErrorId } from '../../support/api-helpers.js';

/**
 * /api/login must not tell an unknown user from a wrong password or a locked account: same
 * status, same body (but the random errorId), same headers, and similar time (a dummy argon2id
 * verification for unknown users).
 */

const WRONG = 'definitely the wrong password';

/** Header names that may legitimately differ between two answers. */
const VOLATILE = new Set(['date', 'x-request-id', 'x-rate-limit-remaining', 'x-rate-limit-reset', 'content-length', 'keep-alive', 'connection']);

function headerShape(res: HttpResult): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    out[name] = VOLATILE.has(name) ? '<volatile>' : value;
  });
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

describe('login enumeration', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000', RATE_LIMIT_LOGIN_PER_IP: '1000' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const login = (email: string, password: string) => h.post('/api/login', { email, password });

  it('unknown user, wrong password, locked user and pending user get the same answer', async () => {
    const active = await registerActiveUser(h);
    const pending = await registerUser(h); // email factor not confirmed yet
    const victim = await registerActiveUser(h);

    const unknown = await login(uniqueEmail('nobody'), WRONG);
    const unknownWithRealPassword = await login(active.email.replace('@', '.nope@'), active.password);
    const wrongPassword = await login(active.email, WRONG);
    const wrongPasswordPending = await login(pending.email, WRONG);
    for (let i = 0; i < h.config.lockout.threshold; i++) expectOktaError(await login(victim.email, WRONG), 401, 'E0000004');
    const lockedRight = await login(victim.email, victim.password);
    const lockedWrong = await login(victim.email, WRONG);

    const answers = { unknown, unknownWithRealPassword, wrongPassword, wrongPasswordPending, lockedRight, lockedWrong };
    const reference = withoutErrorId(unknown.body);
    expect(reference).toMatchObject({ error: 'OKTA_ERROR', status: 401, errorCode: 'E0000004', errorSummary: 'Authentication failed' });
    const errorIds = new Set<unknown>();
    for (const [name, res] of Object.entries(answers)) {
      expectOktaError(res, 401, 'E0000004');
      expect(withoutErrorId(res.body), name).toEqual(reference);
      expect(headerShape(res), name).toEqual(headerShape(unknown));
      expect(res.text, name).not.toMatch(/lock|unknown|not found|exist/i);
      errorIds.add(res.body.errorId);
    }
    // errorId is per answer, never a fingerprint of the case.
    expect(errorIds.size).toBe(Object.keys(answers).length);
  });

  it('unknown-user and wrong-password logins take similar time (dummy hash)', async () => {
    // Two accounts, so ten wrong passwords stay below the lockout threshold on each.
    const users = [await registerActiveUser(h), await registerActiveUser(h)];
    // Warm up both paths (the dummy hash is computed on first use).
    await login(uniqueEmail('warmup'), WRONG);
    await login(uniqueEmail('warmup'), WRONG);
    await login(users[0]!.email, WRONG);

    const unknownMs: number[] = [];
    const wrongMs: number[] = [];
    const timed = async (email: string, into: number[]) => {
      const start = performance.now();
      const res = await login(email, WRONG);
      into.push(performance.now() - start);
      expectOktaError(res, 401, 'E0000004');
    };
    // Interleaved, so drift in machine load hits both series alike.
    for (let i = 0; i < 10; i++) {
      await timed(uniqueEmail('timing'), unknownMs);
      await timed(users[i % 2]!.email, wrongMs);
    }
    const ratio = median(unknownMs) / median(wrongMs);
    expect(ratio, `unknown ${median(unknownMs).toFixed(1)} ms vs wrong password ${median(wrongMs).toFixed(1)} ms`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
