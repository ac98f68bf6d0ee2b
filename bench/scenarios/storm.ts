import { runHttpLoad, startHttpLoad, type Measurement } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import type { LatchkeyFixture } from './types.js';

export interface StormResult {
  /** Fixed /api/sso/verify rate of both phases. */
  verifyRate: number;
  /** The same verify load with nothing else running. */
  idle: Measurement;
  /** The verify load while `stormConnections` connections log in as fast as they can. */
  underStorm: Measurement;
  /** The logins of the storm. */
  logins: Measurement;
  targetP99Ms: number;
  met: boolean;
}

const verifyRequests = (fixture: LatchkeyFixture) =>
  fixture.tokens.map((token) => ({
    method: 'POST' as const,
    path: '/api/sso/verify',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  }));

/**
 * p99 of /api/sso/verify at a fixed rate, first alone, then under a concurrent login storm. Hashing
 * runs on libuv's pool, so the event loop should keep answering token checks quickly (target < 20 ms).
 */
export async function runStorm(fixture: LatchkeyFixture, options: BenchOptions): Promise<StormResult> {
  const verify = {
    baseUrl: fixture.baseUrl,
    requests: verifyRequests(fixture),
    connections: 4,
    overallRate: options.stormVerifyRate,
    repeat: 1,
    warmupSeconds: 0,
    durationSeconds: options.durationSeconds,
  };
  const idle = await runHttpLoad({ ...verify, warmupSeconds: Math.min(2, options.warmupSeconds) });

  const loginSpec = {
    baseUrl: fixture.baseUrl,
    connections: options.stormConnections,
    warmupSeconds: 0,
    requests: fixture.loginUsers.map((user) => ({
      method: 'POST' as const,
      path: '/api/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    })),
  };
  // The storm starts first and ends last, so every measured verify runs inside it.
  const lead = Math.min(2, options.warmupSeconds);
  const storm = startHttpLoad({ ...loginSpec, durationSeconds: options.durationSeconds + lead + 1 });
  await new Promise((resolveLead) => setTimeout(resolveLead, lead * 1000));
  const underStorm = await runHttpLoad({ ...verify, warmupSeconds: 0 });
  const logins = await storm;
  const targetP99Ms = 20;
  return {
    verifyRate: options.stormVerifyRate,
    idle,
    underStorm,
    logins,
    targetP99Ms,
    met: underStorm.p99 !== null && underStorm.p99 < targetP99Ms && underStorm.failures === 0,
  };
}
