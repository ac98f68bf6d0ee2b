import type { Redis } from 'ioredis';
import { sha256Hex } from '../../core/hashing.js';
import type { RateLimiter, RateLimitResult, RateLimitRule } from '../../core/ratelimit/rate-limiter.js';

/**
 * INCR and PEXPIRE in one script, so a crash or a parallel hit can never leave a counter
 * without an expiry, and every hit in a window is counted exactly once across instances.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
`;

const COMMAND = 'latchkeyRateLimitHit';

type HitCommand = (key: string, ttlMs: number) => Promise<number>;

/** Keys this long are hashed, so a huge user-supplied key cannot bloat Redis. */
const MAX_RAW_KEY_LENGTH = 200;

/**
 * Windows are computed from the caller's `now`, not from Redis' clock, while the key's TTL is
 * relative; so skew between instances and Redis cannot shorten a window. The TTL carries a grace
 * period because a key expiring early would hand out a fresh limit, while one expiring late is
 * harmless (the next window has its own key).
 */
const EXPIRY_GRACE_MS = 1_000;

/** Fixed-window counters in Redis: limits hold across every instance sharing the database. */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly command: HitCommand;

  constructor(options: { redis: Redis; prefix?: string }) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? 'rl:';
    // defineCommand sends EVALSHA and falls back to EVAL once after a NOSCRIPT (e.g. a restart).
    // Defining it again on a shared client is harmless: the script is the same.
    this.redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: HIT_SCRIPT });
    // ioredis types do not know commands added at run time.
    const command = (this.redis as unknown as Record<string, HitCommand>)[COMMAND];
    if (command === undefined) throw new Error('ioredis did not define the rate limit command');
    this.command = command.bind(this.redis);
  }

  async hit(rule: RateLimitRule, key: string, now: Date): Promise<RateLimitResult> {
    checkRule(rule);
    const t = now.getTime();
    const window = Math.floor(t / rule.windowMs);
    const resetAt = (window + 1) * rule.windowMs;
    const count = await this.command(this.counterKey(rule, key, window), resetAt - t + EXPIRY_GRACE_MS);
    return {
      allowed: count <= rule.limit,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - count),
      resetAt: new Date(resetAt),
    };
  }

  /**
   * Deletes the current window's key. The port gives no `now`, so this uses the wall clock
   * unless one is passed; with a frozen test clock, pass it (or the reset misses the window).
   */
  async reset(rule: RateLimitRule, key: string, now: Date): Promise<void> {
    checkRule(rule);
    await this.redis.del(this.counterKey(rule, key, Math.floor(now.getTime() / rule.windowMs)));
  }

  /**
   * prefix + rule name + key + window index. The name is URI-encoded so it holds no ':'; the
   * window is numeric and last; so no two (name, key, window) triples share a key.
   */
  private counterKey(rule: RateLimitRule, key: string, window: number): string {
    const safeKey = key.length > MAX_RAW_KEY_LENGTH ? `sha256:${sha256Hex(key)}` : key;
    return `${this.prefix}${encodeURIComponent(rule.name)}:${safeKey}:${window}`;
  }
}

function checkRule(rule: RateLimitRule): void {
  if (!Number.isSafeInteger(rule.windowMs) || rule.windowMs < 1) {
    throw new RangeError(`rate limit rule ${rule.name}: windowMs must be a positive integer`);
  }
  if (!Number.isSafeInteger(rule.limit) || rule.limit < 0) {
    throw new RangeError(`rate limit rule ${rule.name}: limit must be a non-negative integer`);
  }
}
