import { runHttpLoad } from '../lib/load.js';
import type { LatchkeyScenario } from './types.js';

/** POST /api/sso/verify with valid tokens: HS256 check and the profile back. */
export const ssoVerifyScenario: LatchkeyScenario = {
  id: 'sso-verify',
  title: 'POST /api/sso/verify (valid token)',
  comparisons: [{ reference: 'fastify-bare', target: 0.7, targetText: '≥ 70 % of bare Fastify' }],
  run: (fixture, options) =>
    runHttpLoad({
      baseUrl: fixture.baseUrl,
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      requests: fixture.tokens.map((token) => ({
        method: 'POST',
        path: '/api/sso/verify',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      })),
    }),
};
