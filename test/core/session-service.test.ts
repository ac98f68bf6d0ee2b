import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { User } from '../../src/core/identity/user.js';
import { cryptoRandom } from '../../src/core/random.js';
import { SessionService } from '../../src/core/session/session-service.js';
import type { Stores } from '../../src/core/stores.js';
import { createMemoryStores } from '../../src/storage/memory/memory-stores.js';

describe('SessionService', () => {
  let clock: ManualClock;
  let stores: Stores;
  let sessions: SessionService;
  let user: User;

  beforeEach(async () => {
    clock = new ManualClock();
    stores = createMemoryStores();
    sessions = new SessionService({ store: stores.sessions, clock, random: cryptoRandom, idleSeconds: 600, maxSeconds: 3600 });
    user = await stores.identity.createUser({
      id: '00uTESTUSER000000001',
      status: 'ACTIVE',
      profile: { firstName: 'A', lastName: 'B', email: 'a@example.com', login: 'a@example.com' },
      passwordHash: null,
      now: clock.now(),
    });
  });

  it('issues 25-character tokens and stores only their hash', async () => {
    const { token, session } = await sessions.start(user, 'ACTIVE', ['pwd']);
    expect(token).toMatch(/^102[0-9A-Za-z]{22}$/);
    expect(session.tokenHash).not.toContain(token);
    expect(await stores.sessions.findSession(token)).toBeNull();
    expect((await sessions.resolve(token)).userId).toBe(user.id);
  });

  it('ends a session after the idle time, unless activity slides it', async () => {
    const idle = await sessions.start(user, 'ACTIVE', ['pwd']);
    const busy = await sessions.start(user, 'ACTIVE', ['pwd']);
    for (let minute = 0; minute < 9; minute++) {
      clock.advance(2 * 60_000);
      await sessions.resolve(busy.token);
    }
    await expect(sessions.resolve(idle.token)).rejects.toMatchObject({ code: 'invalid_session' });
    await expect(sessions.resolve(busy.token)).resolves.toMatchObject({ userId: user.id });
  });

  it('ends every session at the absolute expiry, however busy', async () => {
    const { token } = await sessions.start(user, 'ACTIVE', ['pwd']);
    for (let elapsed = 0; elapsed < 3600 - 300; elapsed += 300) {
      clock.advance(300_000);
      await sessions.resolve(token);
    }
    clock.advance(300_000);
    await expect(sessions.resolve(token)).rejects.toMatchObject({ code: 'invalid_session' });
  });

  it('refuses a pending session where an active one is required, until MFA completes', async () => {
    const { token, session } = await sessions.start(user, 'MFA_REQUIRED', ['pwd']);
    await expect(sessions.requireActive(token)).rejects.toMatchObject({ code: 'mfa_required' });
    expect(await sessions.completeMfa(session.tokenHash, 'someone-else', ['pwd', 'otp', 'mfa'])).toBe(false);
    expect(await sessions.completeMfa(session.tokenHash, user.id, ['pwd', 'otp', 'mfa'])).toBe(true);
    await expect(sessions.requireActive(token)).resolves.toMatchObject({ status: 'ACTIVE', amr: ['pwd', 'otp', 'mfa'] });
  });

  it('refuses malformed and unknown tokens without a lookup hit, and ends sessions once', async () => {
    await expect(sessions.resolve('not-a-token')).rejects.toMatchObject({ code: 'invalid_session' });
    await expect(sessions.resolve('102' + 'A'.repeat(22))).rejects.toMatchObject({ code: 'invalid_session' });
    const { token } = await sessions.start(user, 'ACTIVE', ['pwd']);
    await sessions.end(token);
    await expect(sessions.end(token)).rejects.toMatchObject({ code: 'invalid_session' });
    await expect(sessions.resolve(token)).rejects.toMatchObject({ code: 'invalid_session' });
  });
});
