import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../core/clock.js';
import { AuthError } from '../../core/errors.js';
import type { RateLimiter, RateLimitRule } from '../../core/ratelimit/rate-limiter.js';
import { rateLimitHeaders } from '../wire/rate-limit-headers.js';

/**
 * Okta's org-wide per-minute limit for one route group (okta-api.md §6), as a preHandler.
 * Every answer of the group carries X-Rate-Limit-Limit/-Remaining/-Reset (epoch seconds) and a
 * Date from the same clock, since NSDK waits Reset − Date + 1 s before retrying a 429 and does
 * not retry at all when either header is missing. Over the limit: 429 E0000047.
 */
export function orgRateLimit(
  deps: { limiter: RateLimiter; clock: Clock },
  group: string,
  perMinute: number,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const rule: RateLimitRule = { name: `okta-org:${group}`, limit: perMinute, windowMs: 60_000 };
  return async (_request, reply) => {
    const now = deps.clock.now();
    const result = await deps.limiter.hit(rule, 'org', now);
    reply.header('date', now.toUTCString());
    reply.headers(rateLimitHeaders(result));
    if (!result.allowed) {
      throw new AuthError('rate_limited', 'API call exceeded rate limit due to too many requests.', {
        retryAfterSeconds: Math.max(1, Math.ceil((result.resetAt.getTime() - now.getTime()) / 1000)),
        limit: { limit: result.limit, remaining: 0, resetAt: result.resetAt },
      });
    }
  };
}
