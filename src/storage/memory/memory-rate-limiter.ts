import { sha256Hex } from '../../core/hashing.js';
import type { RateLimiter, RateLimitResult, RateLimitRule } from '../../core/ratelimit/rate-limiter.js';

interface WindowCount {
  window: number;
  count: number;
  /** End of the window, epoch ms. */
  resetAt: number;
}

export interface MemoryRateLimiterOptions {
  /** Upper bound on live counters across all rules (default 100k); beyond it, those ending first go. */
  maxEntries?: number;
}

/**
 * Fixed-window counters in process memory: the reference implementation for tests and a single
 * instance. Limits do not hold across processes; use the Redis limiter for that.
 */
export class MemoryRateLimiter implements RateLimiter {
  /**
   * One map per rule name. Within a rule every window has the same length and a counter is
   * re-inserted when its window changes, so insertion order is expiry order: sweeping stops at
   * the first live entry and costs O(1) amortised.
   */
  private readonly rules = new Map<string, Map<string, WindowCount>>();
  private size = 0;
  private readonly maxEntries: number;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError('maxEntries must be a positive integer');
    }
  }

  // async so that a bad rule rejects like the Redis limiter instead of throwing synchronously.
  async hit(rule: RateLimitRule, key: string, now: Date): Promise<RateLimitResult> {
    checkRule(rule);
    key = boundedKey(key);
    const t = now.getTime();
    this.sweep(t);
    const window = Math.floor(t / rule.windowMs);
    let entry = this.rules.get(rule.name)?.get(key);
    if (entry === undefined || entry.window !== window) {
      // Delete and re-insert, so the map stays in window order.
      if (entry !== undefined) this.remove(rule.name, key);
      if (this.size >= this.maxEntries) this.evictOldest();
      entry = { window, count: 0, resetAt: (window + 1) * rule.windowMs };
      // Fetched after eviction, which may have dropped this rule's (then empty) map.
      this.countersFor(rule.name).set(key, entry);
      this.size++;
    }
    // Refused hits still count, as INCR does in Redis, so both backends answer alike.
    entry.count++;
    return {
      allowed: entry.count <= rule.limit,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - entry.count),
      resetAt: new Date(entry.resetAt),
    };
  }

  /**
   * Clears the key whatever its window. `now` is optional because the port does not pass it;
   * the memory store keeps one window per key, so it does not need it.
   */
  async reset(rule: RateLimitRule, key: string, _now?: Date): Promise<void> {
    this.remove(rule.name, boundedKey(key));
  }

  /** Live counters, for tests and metrics. */
  get entryCount(): number {
    return this.size;
  }

  private remove(name: string, key: string): void {
    const counters = this.rules.get(name);
    if (counters?.delete(key) === true) {
      this.size--;
      if (counters.size === 0) this.rules.delete(name);
    }
  }

  private countersFor(name: string): Map<string, WindowCount> {
    let counters = this.rules.get(name);
    if (counters === undefined) {
      counters = new Map();
      this.rules.set(name, counters);
    }
    return counters;
  }

  /** Drops ended windows from the front of every rule's map. */
  private sweep(t: number): void {
    for (const [name, counters] of this.rules) {
      for (const [key, entry] of counters) {
        if (entry.resetAt > t) break;
        counters.delete(key);
        this.size--;
      }
      if (counters.size === 0) this.rules.delete(name);
    }
  }

  /**
   * At the cap: drop the counter whose window ends first (the front of some rule's map), which
   * loses the least. A flood of distinct keys can thus evict real counters: bounded memory has
   * that price, and the Redis limiter does not pay it.
   */
  private evictOldest(): void {
    let oldest: { name: string; key: string; resetAt: number } | undefined;
    for (const [name, counters] of this.rules) {
      const first = counters.entries().next();
      if (first.done === true) continue;
      const [key, entry] = first.value;
      if (oldest === undefined || entry.resetAt < oldest.resetAt) {
        oldest = { name, key, resetAt: entry.resetAt };
      }
    }
    if (oldest !== undefined) this.remove(oldest.name, oldest.key);
  }
}

/** The entry cap bounds counters, not their size: long keys are hashed so each stays small. */
function boundedKey(key: string): string {
  return key.length > 200 ? `sha256:${sha256Hex(key)}` : key;
}

function checkRule(rule: RateLimitRule): void {
  if (!Number.isSafeInteger(rule.windowMs) || rule.windowMs < 1) {
    throw new RangeError(`rate limit rule ${rule.name}: windowMs must be a positive integer`);
  }
  if (!Number.isSafeInteger(rule.limit) || rule.limit < 0) {
    throw new RangeError(`rate limit rule ${rule.name}: limit must be a non-negative integer`);
  }
}
