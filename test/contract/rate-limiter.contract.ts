import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RateLimiter, RateLimitRule } from '../../src/core/ratelimit/rate-limiter.js';

/** 2026-01-01T00:00:00Z: a multiple of every window used below, so window edges are exact. */
const T0 = Date.UTC(2026, 0, 1);
const at = (offsetMs: number): Date => new Date(T0 + offsetMs);

/**
 * The behaviour every RateLimiter backend must show. Rule names are unique per test, so backends
 * that share state between tests (one Redis prefix per run) start every test clean.
 */
export function rateLimiterContract(name: string, factory: () => RateLimiter | Promise<RateLimiter>): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let limiter: RateLimiter;
    let ruleId = '';
    const rule = (suffix: string, limit: number, windowMs = 60_000): RateLimitRule => ({
      name: `${ruleId}:${suffix}`,
      limit,
      windowMs,
    });

    beforeEach(async () => {
      limiter = await factory();
      ruleId = randomUUID();
    });

    it('allows exactly `limit` hits, counting remaining down to 0, then refuses', async () => {
      const r = rule('login:ip', 5);
      for (let i = 1; i <= 5; i++) {
        const result = await limiter.hit(r, '10.0.0.1', at(1_000 + i));
        expect(result).toEqual({ allowed: true, limit: 5, remaining: 5 - i, resetAt: at(60_000) });
      }
      for (let i = 0; i < 3; i++) {
        const refused = await limiter.hit(r, '10.0.0.1', at(2_000 + i));
        expect(refused).toEqual({ allowed: false, limit: 5, remaining: 0, resetAt: at(60_000) });
      }
    });

    it('refuses everything when the limit is 0', async () => {
      const result = await limiter.hit(rule('closed', 0), 'k', at(0));
      expect(result).toMatchObject({ allowed: false, limit: 0, remaining: 0 });
    });

    it('sets resetAt to the end of the fixed window holding `now`', async () => {
      const r = rule('edges', 100, 60_000);
      expect((await limiter.hit(r, 'a', at(0))).resetAt).toEqual(at(60_000));
      expect((await limiter.hit(r, 'a', at(59_999))).resetAt).toEqual(at(60_000));
      expect((await limiter.hit(r, 'a', at(60_000))).resetAt).toEqual(at(120_000));
      // Windows are aligned to the epoch, not to the first hit.
      const odd = rule('odd', 100, 7_000);
      const now = T0 + 12_345;
      const end = (Math.floor(now / 7_000) + 1) * 7_000;
      expect((await limiter.hit(odd, 'a', new Date(now))).resetAt).toEqual(new Date(end));
    });

    it('starts a fresh count when the window rolls over', async () => {
      const r = rule('rollover', 3, 60_000);
      for (let i = 0; i < 4; i++) await limiter.hit(r, 'k', at(10_000));
      expect((await limiter.hit(r, 'k', at(59_999))).allowed).toBe(false);
      const next = await limiter.hit(r, 'k', at(60_000));
      expect(next).toEqual({ allowed: true, limit: 3, remaining: 2, resetAt: at(120_000) });
      // A window later still, unrelated to how the previous one ended.
      expect((await limiter.hit(r, 'k', at(180_000 + 5))).remaining).toBe(2);
    });

    it('keeps keys independent', async () => {
      const r = rule('keys', 2);
      for (let i = 0; i < 3; i++) await limiter.hit(r, 'alice', at(1));
      expect((await limiter.hit(r, 'alice', at(2))).allowed).toBe(false);
      expect(await limiter.hit(r, 'bob', at(2))).toMatchObject({ allowed: true, remaining: 1 });
    });

    it('keeps rule names independent, even when name and key could be joined alike', async () => {
      const a = rule('login:ip', 1);
      const b = rule('login:account', 1);
      await limiter.hit(a, 'k', at(1));
      expect((await limiter.hit(a, 'k', at(2))).allowed).toBe(false);
      expect((await limiter.hit(b, 'k', at(2))).allowed).toBe(true);
      // "x:y" + "z" must not share a counter with "x" + "y:z".
      const xy = rule('x:y', 1);
      const x = rule('x', 1);
      await limiter.hit(xy, 'z', at(1));
      expect((await limiter.hit(x, 'y:z', at(1))).allowed).toBe(true);
    });

    it('accepts very long keys and keeps them apart', async () => {
      const r = rule('long', 1);
      const long = 'a'.repeat(100_000);
      await limiter.hit(r, `${long}1`, at(1));
      expect((await limiter.hit(r, `${long}1`, at(1))).allowed).toBe(false);
      expect((await limiter.hit(r, `${long}2`, at(1))).allowed).toBe(true);
    });

    it('reset clears the key and only that key', async () => {
      const r = rule('reset', 2, 3_600_000);
      for (let i = 0; i < 3; i++) {
        await limiter.hit(r, 'alice', at(5));
        await limiter.hit(r, 'bob', at(5));
      }
      await limiter.reset(r, 'alice', at(6));
      expect(await limiter.hit(r, 'alice', at(7))).toMatchObject({ allowed: true, remaining: 1 });
      expect((await limiter.hit(r, 'bob', at(7))).allowed).toBe(false);
      // Resetting a key never hit is harmless.
      await expect(limiter.reset(r, 'nobody', at(7))).resolves.toBeUndefined();
    });

    it('lets exactly `limit` of 200 parallel hits through', async () => {
      const r = rule('burst', 50);
      const results = await Promise.all(Array.from({ length: 200 }, () => limiter.hit(r, 'k', at(30_000))));
      const allowed = results.filter((result) => result.allowed);
      expect(allowed).toHaveLength(50);
      // Each allowed hit saw a distinct count.
      expect(allowed.map((result) => result.remaining).sort((p, q) => p - q)).toEqual(
        Array.from({ length: 50 }, (_, i) => i),
      );
      expect(results.filter((result) => !result.allowed).every((result) => result.remaining === 0)).toBe(true);
    });

    it('rejects rules with a non-positive window or a negative limit', async () => {
      await expect(limiter.hit(rule('bad', 1, 0), 'k', at(0))).rejects.toThrow(RangeError);
      await expect(limiter.hit(rule('bad', -1), 'k', at(0))).rejects.toThrow(RangeError);
      await expect(limiter.hit(rule('bad', 1.5), 'k', at(0))).rejects.toThrow(RangeError);
    });
  });
}
