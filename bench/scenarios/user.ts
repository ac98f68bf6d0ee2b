import { runHttpLoad } from '../lib/load.js';
import type { LatchkeyScenario } from './types.js';

/** GET /api/user with an ACTIVE session (Authorization: Bearer): session lookup, user lookup, Okta user object. */
export const userScenario: LatchkeyScenario = {
  id: 'user',
  title: 'GET /api/user (ACTIVE session)',
  comparisons: [{ reference: 'better-auth-session', target: 1, targetText: 'ahead of Better Auth get-session' }],
  run: (fixture, options) =>
    runHttpLoad({
      baseUrl: fixture.baseUrl,
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      requests: fixture.activeSessions.map((sessionId) => ({
        method: 'GET',
        path: '/api/user',
        headers: { authorization: `Bearer ${sessionId}` },
      })),
    }),
};
