import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness.js';
import { expectOktaError, getUser, loginPending, registerActiveUser, sendChallenge } from '../../support/api-helpers.js';

/**
 * Which sessions a verified sign-in code upgrades from MFA_REQUIRED to ACTIVE: with sessionId,
 * exactly that one (and only if it is the user's); without it, only the user's sessions that
 * existed when the code was sent.
 */
describe('/api/mfa/verify session binding', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const verify = (body: Record<string, unknown>) => h.post('/api/mfa/verify', body);
  const expectPending = async (sessionId: string) => expectOktaError(await getUser(h, sessionId), 403, 'E0000079');
  const expectActive = async (sessionId: string, userId: string) => {
    const res = await getUser(h, sessionId);
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toBe(userId);
  };

  it('with sessionId, upgrades exactly that session', async () => {
    const user = await registerActiveUser(h);
    const first = await loginPending(h, user);
    const second = await loginPending(h, user);
    expect(first).not.toBe(second);
    const code = await sendChallenge(h, user);

    const res = await verify({ userId: user.userId, otp: code, sessionId: first });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ success: true });
    await expectActive(first, user.userId);
    await expectPending(second);
    // The pending one can mint nothing either.
    expectOktaError(await h.post('/api/sso/grant', { sessionId: second }), 403, 'E0000079');
    expect((await h.post('/api/sso/grant', { sessionId: first })).status).toBe(200);
    // The code is spent: it cannot upgrade the second session afterwards.
    expectOktaError(await verify({ userId: user.userId, otp: code, sessionId: second }), 403, 'E0000068');
    await expectPending(second);
  });

  it("refuses another user's session, and upgrades nothing", async () => {
    const alice = await registerActiveUser(h);
    const bob = await registerActiveUser(h);
    const aliceSession = await loginPending(h, alice);
    const bobSession = await loginPending(h, bob);
    const aliceCode = await sendChallenge(h, alice);

    // Alice's user id and code, Bob's session.
    expectOktaError(await verify({ userId: alice.userId, otp: aliceCode, sessionId: bobSession }), 401, 'E0000005');
    await expectPending(bobSession);
    await expectPending(aliceSession);
    // Bob's user id and session with Alice's code.
    expectOktaError(await verify({ userId: bob.userId, otp: aliceCode, sessionId: bobSession }), 403, 'E0000068');
    await expectPending(bobSession);
  });

  it('refuses an ended or made-up session id', async () => {
    const user = await registerActiveUser(h);
    const ended = await loginPending(h, user);
    const live = await loginPending(h, user);
    expect((await h.post('/api/logout', { sessionId: ended })).status).toBe(200);
    const code = await sendChallenge(h, user);
    expectOktaError(await verify({ userId: user.userId, otp: code, sessionId: ended }), 401, 'E0000005');
    expectOktaError(await verify({ userId: user.userId, otp: code, sessionId: '102' + 'Z'.repeat(22) }), 401, 'E0000005');
    expectOktaError(await verify({ userId: user.userId, otp: code, sessionId: 'not-a-session' }), 401, 'E0000005');
    await expectPending(live);
    // Nothing was upgraded by those; the code still works for the live session.
    expect((await verify({ userId: user.userId, otp: code, sessionId: live })).status).toBe(200);
    await expectActive(live, user.userId);
  });

  it('without sessionId, upgrades the sessions created before the code was sent, not those created after', async () => {
    const user = await registerActiveUser(h);
    const other = await registerActiveUser(h);
    const early = await loginPending(h, user);
    h.clock.advance(1_000);
    const alsoEarly = await loginPending(h, user);
    const othersSession = await loginPending(h, other);
    h.clock.advance(1_000);
    const code = await sendChallenge(h, user); // advances past the resend interval, then sends
    h.clock.advance(1_000);
    const late = await loginPending(h, user); // e.g. someone else who knows the password

    const res = await verify({ userId: user.userId, otp: code });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ success: true });
    await expectActive(early, user.userId);
    await expectActive(alsoEarly, user.userId);
    await expectPending(late);
    await expectPending(othersSession);

    // The late session needs a code of its own, sent after it was created.
    const second = await sendChallenge(h, user);
    expect((await verify({ userId: user.userId, otp: second })).status).toBe(200);
    await expectActive(late, user.userId);
  });
});
