import type { AuthError } from '../../core/errors.js';

/** Okta's X-Rate-Limit-* headers; Reset is in epoch seconds. */
export function rateLimitHeaders(limit: { limit: number; remaining: number; resetAt: Date }): Record<string, string> {
  return {
    'x-rate-limit-limit': String(limit.limit),
    'x-rate-limit-remaining': String(limit.remaining),
    'x-rate-limit-reset': String(Math.ceil(limit.resetAt.getTime() / 1000)),
  };
}

/** Retry-After and X-Rate-Limit-* for a rate_limited error, on every surface alike. */
export function rateLimitErrorHeaders(error: AuthError): Record<string, string> {
  if (error.code !== 'rate_limited') return {};
  return {
    ...(error.retryAfterSeconds !== undefined ? { 'retry-after': String(error.retryAfterSeconds) } : {}),
    ...(error.limit !== undefined ? rateLimitHeaders(error.limit) : {}),
  };
}
