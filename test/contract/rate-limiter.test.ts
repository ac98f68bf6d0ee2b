import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../../src/storage/memory/memory-rate-limiter.js';
import { createRedis } from '../../src/storage/redis/redis-client.js';
import { RedisRateLimiter } from '../../src/storage/redis/redis-rate-limiter.js';
import { REDIS_URL } from '../support/backends.js';
import { rateLimiterContract } from './rate-limiter.contract.js';

rateLimiterContract('memory', () => new MemoryRateLimiter());

describe.skipIf(!REDIS_URL)('redis', () => {
  // One prefix per run, so parallel runs and files never see each other's counters.
  const prefix = `latchkey-test:rl:${randomUUID()}:`;
  const clients: Redis[] = [];
  const connect = (): Redis => {
    const redis = createRedis(REDIS_URL ?? '');
    clients.push(redis);
    return redis;
  };
  let shared: Redis;

  beforeAll(() => {
    shared = connect();
  });

  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await shared.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await shared.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await Promise.all(clients.map((client) => client.quit()));
  });

  rateLimiterContract('redis', () => new RedisRateLimiter({ redis: shared, prefix }));

  it('shares counts between instances over separate connections', async () => {
    const first = new RedisRateLimiter({ redis: connect(), prefix });
    const second = new RedisRateLimiter({ redis: connect(), prefix });
    const rule = { name: `cross:${randomUUID()}`, limit: 4, windowMs: 60_000 };
    const now = new Date(Date.UTC(2026, 0, 1, 0, 0, 30));

    expect((await first.hit(rule, 'alice', now)).remaining).toBe(3);
    expect((await second.hit(rule, 'alice', now)).remaining).toBe(2);
    expect((await first.hit(rule, 'alice', now)).remaining).toBe(1);
    expect((await second.hit(rule, 'alice', now)).remaining).toBe(0);
    expect((await first.hit(rule, 'alice', now)).allowed).toBe(false);

    // And the atomicity holds across them: 100 parallel hits split over both, limit 30.
    const burst = { ...rule, name: `${rule.name}:burst`, limit: 30 };
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? first : second).hit(burst, 'k', now)),
    );
    expect(results.filter((result) => result.allowed)).toHaveLength(30);

    // A reset through one instance is seen by the other.
    const live = { ...rule, name: `${rule.name}:reset`, limit: 1, windowMs: 3_600_000 };
    await first.hit(live, 'bob', now);
    expect((await second.hit(live, 'bob', now)).allowed).toBe(false);
    await second.reset(live, 'bob', now);
    expect((await first.hit(live, 'bob', now)).allowed).toBe(true);
  });
});
