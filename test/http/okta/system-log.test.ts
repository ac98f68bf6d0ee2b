import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateUser, activeSession, DEFAULT_PASSWORD, registerUser, type TestUser } from '../../support/api-helpers.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { expectOkta, preloadOktaSchemas } from '../../support/okta-schemas.js';
import { createApiToken } from '../../support/okta-sdk.js';

interface LogEvent {
  uuid: string;
  published: string;
  eventType: string;
  outcome: { result: string; reason: string | null };
  actor: { id: string; alternateId: string };
  client: { ipAddress: string | null; userAgent: { rawUserAgent: string } | null };
  transaction: { id: string | null };
}

describe('System Log: events of the seed sign-in journey at GET /api/v1/logs', () => {
  let h: Harness;
  let token: string;
  let user: TestUser;
  const logs = async (query = '') => {
    const r = await h.call('GET', query.startsWith('/') ? query : `/api/v1/logs${query}`, undefined, { authorization: `SSWS ${token}` });
    expect(r.status, r.text).toBe(200);
    expectOkta('LogEvent', r.body, { array: true });
    return { events: r.body as unknown as LogEvent[], link: r.headers.get('link') ?? '', headers: r.headers };
  };

  beforeAll(async () => {
    preloadOktaSchemas();
    h = await startHarness({ LOCKOUT_THRESHOLD: '3' });
    token = (await createApiToken(h, 'logs-test')).token;
    // register → activate → wrong password → login → MFA → SSO token → logout, plus a lockout.
    user = await registerUser(h);
    await activateUser(h, user);
    expect((await h.post('/api/login', { email: user.email, password: 'not the password' }, { 'user-agent': 'journey/1.0' })).status).toBe(401);
    const sessionId = await activeSession(h, user);
    const grant = await h.post('/api/sso/grant', { sessionId });
    expect((await h.post('/api/sso/token', { code: grant.body.code })).status).toBe(200);
    expect((await h.post('/api/logout', { sessionId })).status).toBe(200);
    expect((await h.post('/api/login', { email: 'nobody@example.com', password: DEFAULT_PASSWORD })).status).toBe(401);
    const victim = await registerUser(h);
    await activateUser(h, victim);
    for (let i = 0; i < 3; i++) await h.post('/api/login', { email: victim.email, password: `wrong-${i}` });
  }, 120_000);
  afterAll(async () => h?.close());

  it('records every step with Okta event types, actor, client and outcome', async () => {
    const { events } = await logs('?limit=1000');
    const mine = events.filter((e) => e.actor.id === user.userId).map((e) => `${e.eventType}:${e.outcome.result}`);
    expect(mine).toEqual([
      'user.lifecycle.create:SUCCESS',
      'user.mfa.factor.activate:SUCCESS',
      'user.session.start:FAILURE',
      'user.session.start:SUCCESS',
      'system.email.mfa_challenge.sent_message:SUCCESS',
      'user.authentication.auth_via_mfa:SUCCESS',
      'app.oauth2.as.token.grant:SUCCESS',
      'user.session.end:SUCCESS',
    ]);
    const failed = events.find((e) => e.actor.id === user.userId && e.outcome.result === 'FAILURE');
    expect(failed).toMatchObject({ outcome: { reason: 'INVALID_CREDENTIALS' }, client: { ipAddress: '127.0.0.1', userAgent: { rawUserAgent: 'journey/1.0' } } });
    expect(failed?.transaction.id).toBeTruthy();
    expect(events.find((e) => e.actor.id === 'unknown')).toMatchObject({ eventType: 'user.session.start', actor: { alternateId: 'nobody@example.com' } });
    expect(events.filter((e) => e.eventType === 'user.account.lock')).toHaveLength(1);
  });

  it('filters by eventType, actor.id and outcome.result, and by since/until', async () => {
    const starts = (await logs(`?filter=${encodeURIComponent('eventType eq "user.session.start" and outcome.result eq "FAILURE"')}`)).events;
    expect(starts.length).toBe(5); // wrong password, unknown user, 3 for the victim
    expect(starts.every((e) => e.eventType === 'user.session.start' && e.outcome.result === 'FAILURE')).toBe(true);
    const byActor = (await logs(`?filter=${encodeURIComponent(`actor.id eq "${user.userId}"`)}`)).events;
    expect(byActor).toHaveLength(8);

    const future = new Date(h.clock.now().getTime() + 60_000).toISOString();
    expect((await logs(`?since=${future}`)).events).toEqual([]);
    const all = (await logs('?limit=1000')).events;
    const middle = all[3] as LogEvent;
    const until = (await logs(`?until=${encodeURIComponent(middle.published)}&limit=1000`)).events;
    expect(until.every((e) => e.published < middle.published)).toBe(true);

    const bad = await h.call('GET', `/api/v1/logs?filter=${encodeURIComponent('severity eq "WARN"')}`, undefined, { authorization: `SSWS ${token}` });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errorCode: 'E0000001' });
  });

  it('pages with limit and Link rel="next", in either order', async () => {
    const all = (await logs('?limit=1000')).events.map((e) => e.uuid);
    const seen: string[] = [];
    let next: string | null = '/api/v1/logs?limit=4';
    while (next !== null) {
      const page = await logs(next);
      seen.push(...page.events.map((e) => e.uuid));
      expect(page.link).toContain('rel="self"');
      const href = /<([^>]+)>; rel="next"/.exec(page.link)?.[1];
      next = href === undefined ? null : href.slice(h.baseUrl.length);
    }
    expect(seen).toEqual(all);
    const descending = (await logs('?sortOrder=DESCENDING&limit=1000')).events.map((e) => e.uuid);
    expect(descending).toEqual([...all].reverse());
  });

  it('needs an SSWS token and carries the rate-limit headers', async () => {
    const r = await h.call('GET', '/api/v1/logs');
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ errorCode: 'E0000005' });
    const ok = await logs();
    expect(ok.headers.get('x-rate-limit-limit')).toBe(String(h.config.oktaRateLimits.management));
    expect(ok.headers.get('x-okta-request-id')).toBeTruthy();
  });
});
