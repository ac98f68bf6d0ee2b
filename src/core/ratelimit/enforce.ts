import { AuthError } from '../errors.js';
import type { RateLimiter, RateLimitResult, RateLimitRule } from './rate-limiter.js';

/** Counts a hit and throws rate_limited (with Retry-After data) when the rule's limit is exceeded. */
export async function enforceLimit(
  limiter: RateLimiter,
  rule: RateLimitRule,
  key: string,
  now: Date,
): Promise<RateLimitResult> {
  const result = await limiter.hit(rule, key, now);
  if (!result.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil((result.resetAt.getTime() - now.getTime()) / 1000));
    throw new AuthError('rate_limited', 'API call exceeded rate limit due to too many requests.', {
      retryAfterSeconds,
      limit: { limit: result.limit, remaining: 0, resetAt: result.resetAt },
    });
  }
  return result;
}
