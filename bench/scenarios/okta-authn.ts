import { runHttpLoad } from '../lib/load.js';
import type { LatchkeyScenario } from './types.js';

/**
 * POST /api/v1/authn {username, password}: Okta primary authentication for users with an active email
 * factor (one argon2id verification, a transaction stored, answer MFA_REQUIRED with a stateToken).
 */
export const oktaAuthnScenario: LatchkeyScenario = {
  id: 'okta-authn',
  title: 'POST /api/v1/authn (primary authentication → MFA_REQUIRED)',
  comparisons: [
    { reference: 'argon2-ceiling', target: 0.9, targetText: '≥ 90 % of argon2id ceiling' },
    { reference: 'better-auth-sign-in', target: 1, targetText: 'ahead of Better Auth sign-in' },
  ],
  async run(fixture, options) {
    const users = fixture.journeyUsers;
    const first = users[0];
    if (first === undefined) throw new Error('no users with an active email factor seeded');
    const headers = { 'content-type': 'application/json', accept: 'application/json' };
    const answer = await fixture.client.post<{ status?: string; stateToken?: string }>(
      '/api/v1/authn',
      { username: first.email, password: first.password },
      headers,
    );
    if (answer.status !== 'MFA_REQUIRED' || typeof answer.stateToken !== 'string') {
      throw new Error(`expected MFA_REQUIRED with a stateToken from /api/v1/authn, got ${JSON.stringify(answer).slice(0, 200)}`);
    }
    return runHttpLoad({
      baseUrl: fixture.baseUrl,
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      requests: users.map((user) => ({
        method: 'POST',
        path: '/api/v1/authn',
        headers,
        body: JSON.stringify({ username: user.email, password: user.password }),
      })),
    });
  },
};
