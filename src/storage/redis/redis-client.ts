import { Redis } from 'ioredis';

/**
 * A Redis client that fails fast: a dead or unreachable Redis turns into rejected commands within
 * a few seconds instead of requests queued forever (ioredis' defaults retry each command 20 times
 * and never time out). Callers decide what a failure means (e.g. fail closed for rate limits).
 */
export function createRedis(url: string, options: { keyPrefix?: string } = {}): Redis {
  return new Redis(url, {
    lazyConnect: false,
    // Each attempt to reach the server gives up after this long (default 10 s).
    connectTimeout: 2_000,
    // Queued commands fail after one reconnection attempt rather than twenty.
    maxRetriesPerRequest: 1,
    // Bounds a command's wait even when it sits in the offline queue or the server stalls.
    commandTimeout: 2_000,
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
  });
}
