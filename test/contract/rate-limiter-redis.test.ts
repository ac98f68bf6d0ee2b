import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/storage/redis/redis-client.js';
import { RedisRateLimiter } from '../../src/storage/redis/redis-rate-limiter.js';
import { REDIS_URL } from '../support/backends.js';

describe.skipIf(!REDIS_URL)('RedisRateLimiter keys', () => {
  const prefix = `latchkey-test:rl:${randomUUID()}:`;
  let redis: Redis;

  beforeAll(() => {
    redis = createRedis(REDIS_URL ?? '');
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('stores prefix + rule name + key + window index, expiring after the window', async () => {
    const limiter = new RedisRateLimiter({ redis, prefix });
    const rule = { name: 'login:ip', limit: 5, windowMs: 60_000 };
    const now = new Date(Date.UTC(2026, 0, 1, 0, 0, 45)); // 15 s before the window ends
    await limiter.hit(rule, '10.0.0.1', now);
    await limiter.hit(rule, '10.0.0.1', now);

    const window = Math.floor(now.getTime() / 60_000);
    const key = `${prefix}login%3Aip:10.0.0.1:${window}`;
    expect(await redis.get(key)).toBe('2');
    // TTL set on the first hit only: the rest of the window plus a small grace, never longer.
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(14_000);
    expect(ttl).toBeLessThanOrEqual(16_000);
  });

  it('works through a client keyPrefix too', async () => {
    const prefixed = createRedis(REDIS_URL ?? '', { keyPrefix: prefix });
    try {
      const limiter = new RedisRateLimiter({ redis: prefixed, prefix: 'inner:' });
      const rule = { name: 'r', limit: 1, windowMs: 60_000 };
      const now = new Date(Date.UTC(2026, 0, 1));
      await limiter.hit(rule, 'k', now);
      expect((await limiter.hit(rule, 'k', now)).allowed).toBe(false);
      expect(await redis.exists(`${prefix}inner:r:k:${Math.floor(now.getTime() / 60_000)}`)).toBe(1);
    } finally {
      await prefixed.quit();
    }
  });
});

describe('createRedis against a dead server', () => {
  it('rejects commands within a few seconds instead of hanging', async () => {
    // Port 1 on loopback: nothing listens, so connections are refused.
    const redis = createRedis('redis://127.0.0.1:1');
    redis.on('error', () => {}); // expected; keeps ioredis from printing each reconnect failure
    const limiter = new RedisRateLimiter({ redis, prefix: 'dead:' });
    const started = performance.now();
    try {
      await expect(limiter.hit({ name: 'r', limit: 1, windowMs: 1_000 }, 'k', new Date())).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      redis.disconnect();
    }
  });
});
