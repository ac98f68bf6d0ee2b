import { runLoop } from '../lib/load.js';
import type { LatchkeyScenario } from './types.js';

/**
 * The whole seed SSO journey, as a client runs it: login → mfa send → code from the dev mailbox →
 * mfa verify → grant → token → verify (7 API calls and one mailbox read). Measured in journeys per
 * second with one journey per worker in flight (each worker owns one user, so codes never cross).
 */
export const ssoJourneyScenario: LatchkeyScenario = {
  id: 'sso-journey',
  title: 'SSO journey (login→mfa→grant→token→verify), journeys/s',
  comparisons: [],
  async run(fixture, options) {
    const users = fixture.journeyUsers;
    if (users.length < options.journeyConcurrency) throw new Error('fewer journey users than journey workers');
    return runLoop({
      concurrency: options.journeyConcurrency,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      iteration: async (worker) => {
        const user = users[worker];
        if (user === undefined) throw new Error(`no user for worker ${worker}`);
        const sessionId = await fixture.client.activeSession(user);
        await fixture.client.ssoToken(sessionId);
      },
    });
  },
};
