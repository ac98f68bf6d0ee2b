export interface RateLimitRule {
  /** Bucket name, e.g. "login:ip". Keys are namespaced by it. */
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Requests left in the window after this one (0 when refused). */
  remaining: number;
  /** When the window ends. */
  resetAt: Date;
}

/**
 * Fixed-window counters. `hit` counts the request and says whether it is within the limit,
 * atomically: parallel hits never let more than `limit` through in one window. Refused hits
 * count too. `limit` is a whole number >= 0 and `windowMs` a positive integer.
 */
export interface RateLimiter {
  hit(rule: RateLimitRule, key: string, now: Date): Promise<RateLimitResult>;
  /** Clears the key's window that contains `now` (e.g. after a failed delivery). */
  reset(rule: RateLimitRule, key: string, now: Date): Promise<void>;
}
