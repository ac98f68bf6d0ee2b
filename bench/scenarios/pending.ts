import type { LatchkeyScenario } from './types.js';

/**
 * Scenarios of issue 6 that are not measured yet. Each stays here, unmeasured, until it gets a module
 * like login.ts with a `run`. The runner probes each endpoint anyway and says whether it answers.
 */
export const pendingScenarios: LatchkeyScenario[] = [
  {
    id: 'oauth2-token-code',
    title: 'POST /oauth2/v1/token (authorization code exchange)',
    comparisons: [],
    pending: {
      reason: 'scenario not written yet: every exchange needs a fresh single-use code from /authorize (sid cookie + PKCE)',
      issue: 4,
      probe: {
        method: 'POST',
        path: '/oauth2/v1/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=authorization_code',
      },
    },
  },
];
