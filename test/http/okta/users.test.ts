import type { Client, Collection, User } from '@okta/okta-sdk-nodejs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness.js';
import { expectOkta, preloadOktaSchemas } from '../../support/okta-schemas.js';
import { createApiToken, oktaClient, type CapturedResponse } from '../../support/okta-sdk.js';

const PASSWORD = 'Tr0ub4dor&3-horse';
let seq = 0;
const unique = (tag: string) => `${tag}.${process.pid}.${Date.now().toString(36)}.${++seq}@example.com`;
const profile = (login: string, firstName = 'Ann', lastName = 'Lee') => ({ firstName, lastName, email: login, login });

/** The management.yaml schema each Users API answer must match. */
function schemaFor(r: CapturedResponse): { name: string; array?: boolean } | null {
  const path = new URL(r.url).pathname;
  if (r.status >= 400) return { name: 'ModelError' };
  if (r.body === undefined) return null;
  if (path === '/api/v1/users' && r.method === 'GET') return { name: 'User', array: true };
  if (path.endsWith('/lifecycle/activate')) return { name: 'UserActivationToken' };
  if (path.endsWith('/lifecycle/expire_password')) return { name: 'User' };
  if (path.includes('/lifecycle/')) return null; // {} answers: the SDK types them void
  return { name: 'User' };
}

describe('Users API with @okta/okta-sdk-nodejs', () => {
  let h: Harness;
  let client: Client;
  let settle: () => Promise<CapturedResponse[]>;
  let token: string;
  let validated = 0;

  beforeAll(async () => {
    preloadOktaSchemas();
    h = await startHarness();
    token = (await createApiToken(h, 'users-test')).token;
    ({ client, settle } = oktaClient(h, token));
  }, 120_000);
  afterAll(async () => {
    await h.close();
    // Every SDK response of this file went through a schema (the count shows none slipped by).
    expect(validated).toBeGreaterThan(35);
  });
  afterEach(async () => {
    for (const response of await settle()) {
      const schema = schemaFor(response);
      if (schema === null) continue;
      expectOkta(schema.name, response.body, schema.array === true ? { array: true } : {});
      validated++;
    }
  });

  const sdkError = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected an OktaApiError');
      },
      (e: unknown) => e as { status: number; errorCode: string; errorSummary: string; errorCauses: { errorSummary: string }[]; name: string },
    );

  it('creates users: ACTIVE with a password, STAGED with activate=false, PROVISIONED without a password', async () => {
    const login = unique('ann');
    const active = await client.userApi.createUser({ body: { profile: profile(login), credentials: { password: { value: PASSWORD } } } });
    expect(active).toMatchObject({ status: 'ACTIVE', profile: { login, email: login } });
    expect(active.id).toMatch(/^00u[0-9A-Za-z]{17}$/);
    expect(active._links?.self?.href).toBe(`${h.baseUrl}/api/v1/users/${active.id}`);
    expect(active._links?.deactivate?.href).toBe(`${h.baseUrl}/api/v1/users/${active.id}/lifecycle/deactivate`);
    expect((active.credentials as { password?: unknown }).password).toEqual({});

    const staged = await client.userApi.createUser({ body: { profile: profile(unique('st')), credentials: { password: { value: PASSWORD } } }, activate: false });
    expect(staged.status).toBe('STAGED');
    expect(staged.activated).toBeNull();
    expect(staged._links?.activate?.href).toContain('/lifecycle/activate');

    const provisioned = await client.userApi.createUser({ body: { profile: profile(unique('pr')) }, activate: true });
    expect(provisioned.status).toBe('PROVISIONED');
    expect(provisioned.credentials?.password).toBeUndefined();
  });

  it("refuses a duplicate login and a weak password with Okta's E0000001 causes", async () => {
    const login = unique('dup');
    await client.userApi.createUser({ body: { profile: profile(login), credentials: { password: { value: PASSWORD } } } });
    const dup = await sdkError(client.userApi.createUser({ body: { profile: profile(login.toUpperCase()) } }));
    expect(dup).toMatchObject({ name: 'OktaApiError', status: 400, errorCode: 'E0000001', errorSummary: 'Api validation failed: login' });
    expect(dup.errorCauses).toEqual([{ errorSummary: 'login: An object with this field already exists in the current organization' }]);

    const weak = await sdkError(client.userApi.createUser({ body: { profile: profile(unique('weak')), credentials: { password: { value: 'short' } } } }));
    expect(weak).toMatchObject({ status: 400, errorCode: 'E0000001' });
    expect(weak.errorCauses[0]?.errorSummary).toMatch(/^password: Password requirements were not met\. Password requirements: at least 8 characters/);

    const missing = await h.call('POST', '/api/v1/users', { profile: { login: unique('x') } }, { authorization: `SSWS ${token}` });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ errorCode: 'E0000001' });
    expectOkta('ModelError', missing.body);
  });

  it('gets a user by id, by login (URL-encoded) and answers 404 E0000007 for an unknown one', async () => {
    const login = unique('get+plus');
    const created = await client.userApi.createUser({ body: { profile: profile(login), credentials: { password: { value: PASSWORD } } } });
    expect((await client.userApi.getUser({ userId: created.id as string })).id).toBe(created.id);
    expect((await client.userApi.getUser({ userId: login })).id).toBe(created.id);
    expect((await client.userApi.getUser({ userId: login.toUpperCase() })).id).toBe(created.id);
    const raw = await h.call('GET', `/api/v1/users/${encodeURIComponent(login)}`, undefined, { authorization: `SSWS ${token}` });
    expect(raw.body.id).toBe(created.id);
    expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
    expect(raw.headers.get('x-okta-request-id')).toBeTruthy();
    expect(raw.headers.get('x-rate-limit-limit')).toBe('2000');
    expect(Number(raw.headers.get('x-rate-limit-remaining'))).toBeLessThan(2000);
    expect(Number(raw.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000 - 120);
    expect(raw.headers.get('date')).toBeTruthy();
    expectOkta('User', raw.body);

    const missing = await sdkError(client.userApi.getUser({ userId: '00uNoSuchUser0000000' }));
    expect(missing).toMatchObject({ status: 404, errorCode: 'E0000007' });
  });

  it('lists with q, filter and search, and pages across several pages through the SDK collection', async () => {
    const tag = `pg${process.pid}${Date.now().toString(36)}`;
    const made: User[] = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        await client.userApi.createUser({
          body: { profile: profile(unique(`${tag}-${i}`), i < 3 ? 'Zelda' : 'Yann', `Q${tag}`), credentials: { password: { value: PASSWORD } } },
          activate: i !== 6,
        }),
      );
    }
    const collect = async (collection: Collection<User>) => {
      const out: User[] = [];
      for await (const user of collection) if (user) out.push(user);
      return out;
    };
    // q: prefix of firstName/lastName/email/login, case-insensitive; paged by 2 (4 pages for 7 users).
    const byQ = await collect(await client.userApi.listUsers({ q: `q${tag}`, limit: 2 }));
    expect(byQ.map((u) => u.id).sort()).toEqual(made.map((u) => u.id).sort());
    const pages = (await settle()).filter((r) => r.method === 'GET' && r.url.includes('/api/v1/users?'));
    expect(pages.length).toBe(4);
    for (const r of pages) expectOkta('User', r.body, { array: true });
    validated += pages.length;

    const staged = await collect(await client.userApi.listUsers({ filter: `status eq "STAGED" and lastUpdated gt "${new Date(Date.now() - 3_600_000).toISOString()}"`, limit: 200 }));
    expect(staged.map((u) => u.id)).toContain(made[6]?.id);
    expect(staged.every((u) => u.status === 'STAGED')).toBe(true);

    const login = made[1]?.profile?.login as string;
    const byLogin = await collect(await client.userApi.listUsers({ filter: `profile.login eq "${login}"` }));
    expect(byLogin.map((u) => u.id)).toEqual([made[1]?.id]);

    const zeldas = await collect(await client.userApi.listUsers({ search: `profile.firstName sw "zel" and profile.lastName eq "Q${tag}"` }));
    expect(zeldas.map((u) => u.id).sort()).toEqual(made.slice(0, 3).map((u) => u.id).sort());

    const either = await collect(await client.userApi.listUsers({ search: `profile.lastName eq "Q${tag}" and (status eq "STAGED" or profile.firstName eq "Zelda")` }));
    expect(either).toHaveLength(4);

    // Link headers over raw HTTP: self always, next only when another page exists.
    const first = await h.call('GET', `/api/v1/users?q=q${tag}&limit=5`, undefined, { authorization: `SSWS ${token}` });
    const link = first.headers.get('link') ?? '';
    expect(link).toContain(`rel="self"`);
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1] ?? '';
    expect(next.startsWith(`${h.baseUrl}/api/v1/users?`)).toBe(true);
    const second = await h.call('GET', next.slice(h.baseUrl.length), undefined, { authorization: `SSWS ${token}` });
    expect((second.body as unknown as unknown[]).length).toBe(2);
    expect(second.headers.get('link')).not.toContain('rel="next"');

    const bad = await sdkError(client.userApi.listUsers({ filter: 'profile.nickName eq "x"' }).then((c) => collect(c)));
    expect(bad).toMatchObject({ status: 400, errorCode: 'E0000001' });
  });

  it('updates a profile partially (POST) and fully (PUT); a taken login is refused', async () => {
    const created = await client.userApi.createUser({ body: { profile: profile(unique('upd')), credentials: { password: { value: PASSWORD } } } });
    const id = created.id as string;
    const partial = await client.userApi.updateUser({ userId: id, user: { profile: { firstName: 'Annie', mobilePhone: '+1 555 0100' } } });
    expect(partial.profile).toMatchObject({ firstName: 'Annie', lastName: 'Lee', mobilePhone: '+1 555 0100', login: created.profile?.login });

    const newLogin = unique('renamed');
    const full = await client.userApi.replaceUser({ userId: id, user: { profile: profile(newLogin, 'Bea', 'Moss') } });
    expect(full.profile).toEqual(profile(newLogin, 'Bea', 'Moss'));
    expect((await client.userApi.getUser({ userId: newLogin })).id).toBe(id);

    const other = await client.userApi.createUser({ body: { profile: profile(unique('other')) }, activate: false });
    const taken = await sdkError(client.userApi.updateUser({ userId: other.id as string, user: { profile: { login: newLogin } } }));
    expect(taken).toMatchObject({ status: 400, errorCode: 'E0000001' });
  });

  it('runs the lifecycle: activate, expire_password, deactivate, unlock, reset_factors, delete', async () => {
    const staged = await client.userApi.createUser({ body: { profile: profile(unique('life')), credentials: { password: { value: PASSWORD } } }, activate: false });
    const id = staged.id as string;
    await client.userApi.activateUser({ userId: id, sendEmail: false });
    const active = await client.userApi.getUser({ userId: id });
    expect(active.status).toBe('ACTIVE');
    expect(active.activated).toBeTruthy();
    expect(await sdkError(client.userApi.activateUser({ userId: id }))).toMatchObject({ status: 403, errorCode: 'E0000016' });

    const expired = await client.userApi.expirePassword({ userId: id });
    expect(expired.status).toBe('PASSWORD_EXPIRED');

    // Lock the user through the store (as PasswordLogin does after 10 failures), then unlock over the API.
    await h.latchkey.stores.identity.setUserStatus(id, 'LOCKED_OUT', h.clock.now());
    expect((await client.userApi.getUser({ userId: id }))._links?.unlock).toBeTruthy();
    await client.userApi.unlockUser({ userId: id });
    expect((await client.userApi.getUser({ userId: id })).status).toBe('ACTIVE');
    expect(await sdkError(client.userApi.unlockUser({ userId: id }))).toMatchObject({ status: 403, errorCode: 'E0000038' });

    await h.latchkey.stores.factors.createFactor({
      id: 'emfResetFactors00001', userId: id, factorType: 'email', provider: 'OKTA', status: 'ACTIVE',
      profile: { email: 'x@example.com' }, created: h.clock.now(), lastUpdated: h.clock.now(),
    });
    await client.userApi.resetFactors({ userId: id });
    expect(await h.latchkey.stores.factors.listFactors(id)).toEqual([]);

    await client.userApi.deactivateUser({ userId: id });
    expect((await client.userApi.getUser({ userId: id })).status).toBe('DEPROVISIONED');
    // Deprovisioned users leave the default list.
    const listed = await h.call('GET', `/api/v1/users?filter=${encodeURIComponent(`id eq "${id}"`)}`, undefined, { authorization: `SSWS ${token}` });
    expect((listed.body as unknown as unknown[]).length).toBe(1);

    await client.userApi.deleteUser({ userId: id });
    expect(await sdkError(client.userApi.getUser({ userId: id }))).toMatchObject({ status: 404, errorCode: 'E0000007' });
  });

  it('deletes an active user in two steps, as Okta does', async () => {
    const user = await client.userApi.createUser({ body: { profile: profile(unique('del')), credentials: { password: { value: PASSWORD } } } });
    const id = user.id as string;
    await client.userApi.deleteUser({ userId: id });
    expect((await client.userApi.getUser({ userId: id })).status).toBe('DEPROVISIONED');
    await client.userApi.deleteUser({ userId: id });
    expect(await sdkError(client.userApi.getUser({ userId: id }))).toMatchObject({ status: 404 });
  });

  it('answers 401 E0000011 for a bad or revoked token and 403 E0000005 without a usable header', async () => {
    const bad = oktaClient(h, '00' + 'x'.repeat(40)).client;
    expect(await sdkError(bad.userApi.getUser({ userId: 'anyone' }))).toMatchObject({ name: 'OktaApiError', status: 401, errorCode: 'E0000011', errorSummary: 'Invalid token provided' });

    const revocable = await createApiToken(h, 'to-revoke');
    const revokedClient = oktaClient(h, revocable.token).client;
    await revokedClient.userApi.listUsers({ limit: 1 }).then(async (c) => c.next());
    expect(await revocable.service.revoke(revocable.id)).toBe(true);
    expect(await sdkError(revokedClient.userApi.getUser({ userId: 'anyone' }))).toMatchObject({ status: 401, errorCode: 'E0000011' });

    for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${token}` }, { authorization: 'SSWS' }, { authorization: `SSWS ${token} extra` }]) {
      const r = await h.call('GET', '/api/v1/users', undefined, headers);
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body).toMatchObject({ errorCode: 'E0000005', errorSummary: 'Invalid session' });
      expectOkta('ModelError', r.body);
    }
  });
});

describe('Users API rate limit', () => {
  it('answers 429 E0000047 with X-Rate-Limit-* and Date, which NSDK uses to retry', async () => {
    const h = await startHarness({ OKTA_RATE_LIMIT_USER_PER_MINUTE: '2' });
    try {
      const { token } = await createApiToken(h);
      const get = () => h.call('GET', '/api/v1/users/nobody', undefined, { authorization: `SSWS ${token}` });
      expect((await get()).status).toBe(404);
      expect((await get()).headers.get('x-rate-limit-remaining')).toBe('0');
      const limited = await get();
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ errorCode: 'E0000047' });
      expect(limited.headers.get('x-rate-limit-limit')).toBe('2');
      expect(limited.headers.get('x-rate-limit-reset')).toMatch(/^\d+$/);
      expect(new Date(limited.headers.get('date') ?? '').getTime()).toBeGreaterThan(0);
    } finally {
      await h.close();
    }
  });
});
