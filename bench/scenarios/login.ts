import { runHttpLoad } from '../lib/load.js';
import type { LatchkeyScenario } from './types.js';

/** POST /api/login for users whose email factor is not active: one argon2id verification, answer {userId}. */
export const loginScenario: LatchkeyScenario = {
  id: 'login',
  title: 'POST /api/login (MFA off)',
  comparisons: [
    { reference: 'argon2-ceiling', target: 0.9, targetText: '≥ 90 % of argon2id ceiling' },
    { reference: 'better-auth-sign-in', target: 1, targetText: 'ahead of Better Auth sign-in' },
  ],
  async run(fixture, options) {
    const first = fixture.loginUsers[0];
    if (first === undefined) throw new Error('no login users seeded');
    const answer = await fixture.client.post<Record<string, unknown>>('/api/login', { email: first.email, password: first.password });
    if (typeof answer.userId !== 'string' || 'id' in answer) {
      throw new Error(`expected {userId} from /api/login (MFA off), got ${JSON.stringify(answer)}`);
    }
    return runHttpLoad({
      baseUrl: fixture.baseUrl,
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      requests: fixture.loginUsers.map((user) => ({
        method: 'POST',
        path: '/api/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password: user.password }),
      })),
    });
  },
};
