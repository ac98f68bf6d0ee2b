import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../../src/storage/memory/memory-rate-limiter.js';

const T0 = Date.UTC(2026, 0, 1);

describe('MemoryRateLimiter memory bounds', () => {
  it('drops ended windows as time moves on', async () => {
    const limiter = new MemoryRateLimiter();
    const short = { name: 'short', limit: 5, windowMs: 1_000 };
    const long = { name: 'long', limit: 5, windowMs: 3_600_000 };
    for (let i = 0; i < 500; i++) await limiter.hit(short, `k${i}`, new Date(T0 + 10));
    await limiter.hit(long, 'kept', new Date(T0 + 10));
    expect(limiter.entryCount).toBe(501);

    // One hit after the short window ended sweeps all of it; the long window lives on.
    await limiter.hit(short, 'late', new Date(T0 + 1_000));
    expect(limiter.entryCount).toBe(2);
    expect((await limiter.hit(long, 'kept', new Date(T0 + 1_000))).remaining).toBe(3);
  });

  it('never holds more than maxEntries counters, evicting those that end first', async () => {
    const limiter = new MemoryRateLimiter({ maxEntries: 100 });
    const long = { name: 'account', limit: 3, windowMs: 3_600_000 };
    const flood = { name: 'flood', limit: 3, windowMs: 60_000 };
    await limiter.hit(long, 'victim', new Date(T0 + 1));
    for (let i = 0; i < 10_000; i++) await limiter.hit(flood, `k${i}`, new Date(T0 + 2));
    expect(limiter.entryCount).toBe(100);
    // The flood's own window ends first, so the flood evicted itself, not the longer counter.
    expect((await limiter.hit(long, 'victim', new Date(T0 + 3))).remaining).toBe(1);
  });

  it('keeps a flood of distinct keys under the default cap of 100k', async () => {
    const limiter = new MemoryRateLimiter();
    const rule = { name: 'flood', limit: 1, windowMs: 3_600_000 };
    const now = new Date(T0);
    for (let i = 0; i < 150_000; i++) await limiter.hit(rule, `k${i}`, now);
    expect(limiter.entryCount).toBe(100_000);
  });

  it('counts a key again from zero after reset, whatever clock the hits used', async () => {
    const limiter = new MemoryRateLimiter();
    const rule = { name: 'r', limit: 1, windowMs: 60_000 };
    await limiter.hit(rule, 'k', new Date(T0));
    await limiter.reset(rule, 'k');
    expect((await limiter.hit(rule, 'k', new Date(T0))).allowed).toBe(true);
    expect(limiter.entryCount).toBe(1);
  });
});
