import { benchUsers, LatchkeyClient, mapLimit, type LatchkeyServer } from '../lib/latchkey.js';
import type { BenchOptions } from '../lib/options.js';
import type { LatchkeyFixture } from './types.js';

/** Seeds users, ACTIVE sessions and SSO tokens through the public API (what a real client would do). */
export async function seedFixture(server: LatchkeyServer, runId: string, options: BenchOptions): Promise<LatchkeyFixture> {
  const { baseUrl, cli } = server;
  const client = new LatchkeyClient(baseUrl);
  // Registration hashes a password: 4 in flight keeps the thread pool busy without queueing.
  const loginUsers = benchUsers(runId, 'login', options.loginUsers);
  await mapLimit(loginUsers, 4, (user) => client.register(user));

  const journeyUsers = await mapLimit(benchUsers(runId, 'journey', options.journeyConcurrency), 4, async (user) => ({
    ...user,
    userId: await client.registerWithMfa(user),
  }));

  // Eight ACTIVE sessions over four users, one SSO token per session.
  const sessionUsers = await mapLimit(benchUsers(runId, 'sso', 4), 4, async (user) => ({
    ...user,
    userId: await client.registerWithMfa(user),
  }));
  const activeSessions: string[] = [];
  const tokens: string[] = [];
  for (const user of sessionUsers) {
    for (let i = 0; i < 2; i++) {
      const sessionId = await client.activeSession(user);
      activeSessions.push(sessionId);
      tokens.push(await client.ssoToken(sessionId));
    }
  }
  await client.get(`/api/user`, { authorization: `Bearer ${activeSessions[0] ?? ''}` });
  return { baseUrl, client, cli, loginUsers, journeyUsers, activeSessions, tokens };
}
