import { runHttpLoad } from '../lib/load.js';
import type { LatchkeyScenario } from './types.js';

/** GET /oauth2/v1/keys: the org server's JWKS (what every resource server fetches to check access tokens). */
export const oauth2KeysScenario: LatchkeyScenario = {
  id: 'oauth2-keys',
  title: 'GET /oauth2/v1/keys (JWKS)',
  comparisons: [],
  async run(fixture, options) {
    const jwks = await fixture.client.get<{ keys?: unknown[] }>('/oauth2/v1/keys');
    if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new Error('/oauth2/v1/keys answered no keys');
    return runHttpLoad({
      baseUrl: fixture.baseUrl,
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      requests: [{ method: 'GET', path: '/oauth2/v1/keys' }],
    });
  },
};
