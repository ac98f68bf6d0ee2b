import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiToken } from '../../src/core/apitokens/api-token.js';
import type { AuditEvent } from '../../src/core/audit/audit-event.js';
import { ConflictError } from '../../src/core/errors.js';
import type { NewUser } from '../../src/core/identity/identity-store.js';
import type { User } from '../../src/core/identity/user.js';
import { parseUserExpression } from '../../src/core/identity/user-query.js';
import type { Stores } from '../../src/core/stores.js';
import type { StoresHandle } from './stores.contract.js';

// Odd milliseconds, as in stores.contract.ts.
const T0 = new Date('2026-03-04T05:06:07.891Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

const token = (id: string, extra: Partial<ApiToken> = {}): ApiToken => ({
  id, name: `token ${id}`, tokenHash: `hash-${id}`, created: T0, lastUsed: null, revoked: null, ...extra,
});

const event = (uuid: string, ms: number, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  uuid,
  published: at(ms),
  eventType: 'user.session.start',
  severity: 'INFO',
  displayMessage: 'User login to Okta',
  outcome: { result: 'SUCCESS', reason: null },
  actor: { id: 'u1', type: 'User', alternateId: 'ann@example.com', displayName: 'Ann Lee' },
  client: { ipAddress: '127.0.0.1', userAgent: 'ua ✓' },
  target: [{ id: 'f1', type: 'Factor', alternateId: null, displayName: 'Email' }],
  transactionId: `req-${uuid}`,
  ...extra,
});

const person = (id: string, login: string, firstName: string, lastName: string, extra: Partial<NewUser> = {}): NewUser => ({
  id, status: 'ACTIVE', profile: { firstName, lastName, email: login, login }, passwordHash: null, now: T0, ...extra,
});

async function conflict(promise: Promise<unknown>, constraint: string): Promise<void> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConflictError);
  expect((error as ConflictError).constraint).toBe(constraint);
}

/** API tokens, the System Log and the Users API additions to IdentityStore, on every backend. */
export function adminStoresContract(name: string, factory: () => Promise<StoresHandle>): void {
  describe(`admin stores contract: ${name}`, () => {
    let handle: StoresHandle | undefined;
    let stores: Stores;
    beforeEach(async () => {
      handle = await factory();
      stores = handle.stores;
    });
    afterEach(async () => {
      await handle?.close();
      handle = undefined;
    });

    describe('api tokens', () => {
      it('stores, finds by hash, lists oldest first and refuses duplicates', async () => {
        await stores.apiTokens.createApiToken(token('00Tb', { created: at(5) }));
        await stores.apiTokens.createApiToken(token('00Ta', { created: at(5) }));
        await stores.apiTokens.createApiToken(token('00Tc', { created: at(1) }));
        expect(await stores.apiTokens.findApiTokenByHash('hash-00Ta')).toStrictEqual(token('00Ta', { created: at(5) }));
        expect(await stores.apiTokens.findApiTokenByHash('nope')).toBeNull();
        expect((await stores.apiTokens.listApiTokens()).map((t) => t.id)).toEqual(['00Tc', '00Ta', '00Tb']);
        await conflict(stores.apiTokens.createApiToken(token('00Ta', { tokenHash: 'other' })), 'api_token');
        await conflict(stores.apiTokens.createApiToken(token('00Td', { tokenHash: 'hash-00Ta' })), 'api_token');
      });

      it('revokes once, even in parallel, and only moves lastUsed forward', async () => {
        await stores.apiTokens.createApiToken(token('00Ta'));
        const results = await Promise.all(Array.from({ length: 8 }, () => stores.apiTokens.revokeApiToken('00Ta', at(9))));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await stores.apiTokens.revokeApiToken('00Tx', at(9))).toBe(false);
        expect((await stores.apiTokens.findApiTokenByHash('hash-00Ta'))?.revoked).toEqual(at(9));
        await stores.apiTokens.touchApiToken('00Ta', at(20));
        await stores.apiTokens.touchApiToken('00Ta', at(10));
        expect((await stores.apiTokens.findApiTokenByHash('hash-00Ta'))?.lastUsed).toEqual(at(20));
      });
    });

    describe('system log', () => {
      it('round-trips an event exactly and refuses a duplicate uuid', async () => {
        await stores.events.appendEvent(event('e1', 1));
        expect(await stores.events.queryEvents({ limit: 10, order: 'ASCENDING' })).toStrictEqual([event('e1', 1)]);
        await conflict(stores.events.appendEvent(event('e1', 2)), 'event');
      });

      it('filters by time, type, actor and outcome, orders both ways and pages by uuid', async () => {
        // Published out of order on purpose: the log's order is its insertion order.
        await stores.events.appendEvent(event('e1', 10));
        await stores.events.appendEvent(event('e2', 20, { eventType: 'user.session.end' }));
        await stores.events.appendEvent(event('e3', 15, { actor: { id: 'u2', type: 'User', alternateId: null, displayName: null } }));
        await stores.events.appendEvent(event('e4', 30, { outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' } }));
        await stores.events.appendEvent(event('e5', 30));
        const ids = async (q: Partial<Parameters<Stores['events']['queryEvents']>[0]>) =>
          (await stores.events.queryEvents({ limit: 100, order: 'ASCENDING', ...q })).map((e) => e.uuid);
        expect(await ids({})).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
        expect(await ids({ order: 'DESCENDING' })).toEqual(['e5', 'e4', 'e3', 'e2', 'e1']);
        expect(await ids({ since: at(15), until: at(30) })).toEqual(['e2', 'e3']);
        expect(await ids({ eventType: 'user.session.end' })).toEqual(['e2']);
        expect(await ids({ actorId: 'u2' })).toEqual(['e3']);
        expect(await ids({ outcome: 'FAILURE' })).toEqual(['e4']);
        expect(await ids({ limit: 2 })).toEqual(['e1', 'e2']);
        expect(await ids({ limit: 2, after: 'e2' })).toEqual(['e3', 'e4']);
        expect(await ids({ after: 'e2', actorId: 'u1' })).toEqual(['e4', 'e5']);
        expect(await ids({ order: 'DESCENDING', after: 'e4' })).toEqual(['e3', 'e2', 'e1']);
        expect(await ids({ after: 'unknown' })).toEqual([]);
        expect(await ids({ limit: 0 })).toEqual([]);
      });
    });

    describe('identity: list, update profile, transitions', () => {
      const seed = async (): Promise<User[]> => [
        await stores.identity.createUser(person('00u3', 'zed@example.com', 'Zed', 'Alpha')),
        await stores.identity.createUser(person('00u1', 'Ann.Lee@Example.com', 'Ann', 'Lee', { now: at(100) })),
        await stores.identity.createUser(person('00u2', 'bob@corp.example', 'Bob', 'Annett', { status: 'STAGED' })),
        await stores.identity.createUser(person('00u4', 'anna@example.com', 'Ånna', 'Öst', { status: 'DEPROVISIONED' })),
      ];
      const list = async (q: Partial<Parameters<Stores['identity']['listUsers']>[0]>) =>
        (await stores.identity.listUsers({ limit: 100, ...q })).map((u) => u.id);

      it('lists by id with prefix search over names, email and login, case-insensitively, and pages', async () => {
        const users = await seed();
        expect(await list({})).toEqual(['00u1', '00u2', '00u3', '00u4']);
        expect((await stores.identity.listUsers({ limit: 1 }))[0]).toStrictEqual(users[1]);
        expect(await list({ prefix: 'ANN' })).toEqual(['00u1', '00u2', '00u4']);
        expect(await list({ prefix: 'bob@CORP' })).toEqual(['00u2']);
        expect(await list({ prefix: 'lee' })).toEqual(['00u1']);
        expect(await list({ prefix: '%' })).toEqual([]);
        expect(await list({ prefix: '_' })).toEqual([]);
        expect(await list({ limit: 2 })).toEqual(['00u1', '00u2']);
        expect(await list({ limit: 2, after: '00u2' })).toEqual(['00u3', '00u4']);
        expect(await list({ limit: 0 })).toEqual([]);
      });

      it('evaluates filter and search expressions', async () => {
        await seed();
        const where = (expr: string, mode: 'filter' | 'search' = 'search') => list({ where: parseUserExpression(expr, mode) });
        expect(await where('status eq "ACTIVE"', 'filter')).toEqual(['00u1', '00u3']);
        expect(await where('status ne "DEPROVISIONED"')).toEqual(['00u1', '00u2', '00u3']);
        expect(await where('profile.login eq "ann.lee@example.com"', 'filter')).toEqual(['00u1']);
        expect(await where('profile.email eq "ANN.LEE@example.com"', 'filter')).toEqual(['00u1']);
        expect(await where(`lastUpdated gt "${at(50).toISOString()}"`, 'filter')).toEqual(['00u1']);
        expect(await where(`created le "${T0.toISOString()}" and status eq "STAGED"`, 'filter')).toEqual(['00u2']);
        expect(await where('profile.lastName sw "ann" or profile.firstName eq "zed"')).toEqual(['00u2', '00u3']);
        expect(await where('(status eq "STAGED" or status eq "DEPROVISIONED") and profile.email sw "anna"')).toEqual(['00u4']);
        expect(await where('id eq "00u3"', 'filter')).toEqual(['00u3']);
        expect(await where('lastLogin gt "2000-01-01T00:00:00.000Z"')).toEqual([]);
      });

      it('updates the profile and the login key; a taken login conflicts', async () => {
        await seed();
        const updated = await stores.identity.updateProfile('00u1', { firstName: 'Annie', lastName: 'Lee', email: 'a@example.com', login: 'Annie@Example.com', mobilePhone: null }, at(200));
        expect(updated).toMatchObject({ id: '00u1', lastUpdated: at(200), profile: { firstName: 'Annie', login: 'Annie@Example.com', mobilePhone: null } });
        expect((await stores.identity.findUserByLogin('annie@example.com'))?.id).toBe('00u1');
        expect(await stores.identity.findUserByLogin('ann.lee@example.com')).toBeNull();
        await conflict(stores.identity.updateProfile('00u2', { firstName: 'B', lastName: 'A', email: 'b@x.com', login: 'ANNIE@example.com' }, at(201)), 'login');
        expect((await stores.identity.findUserById('00u2'))?.profile.login).toBe('bob@corp.example');
        expect(await stores.identity.updateProfile('00uNone', { firstName: 'B', lastName: 'A', email: 'b@x.com', login: 'x@x.com' }, at(1))).toBeNull();
      });

      it('transitions status conditionally, once under concurrency, stamping activated on request', async () => {
        await seed();
        const results = await Promise.all(Array.from({ length: 6 }, () => stores.identity.transitionUserStatus('00u2', ['STAGED'], 'ACTIVE', at(300), { stampActivated: true })));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await stores.identity.findUserById('00u2')).toMatchObject({ status: 'ACTIVE', activated: at(300), statusChanged: at(300), lastUpdated: at(300) });
        expect(await stores.identity.transitionUserStatus('00u2', ['STAGED'], 'ACTIVE', at(301))).toBe(false);
        expect(await stores.identity.transitionUserStatus('00u3', ['ACTIVE', 'LOCKED_OUT'], 'DEPROVISIONED', at(302))).toBe(true);
        expect(await stores.identity.findUserById('00u3')).toMatchObject({ status: 'DEPROVISIONED', activated: T0, statusChanged: at(302) });
        expect(await stores.identity.transitionUserStatus('00u3', [], 'ACTIVE', at(303))).toBe(false);
        expect(await stores.identity.transitionUserStatus('00uNone', ['ACTIVE'], 'STAGED', at(303))).toBe(false);
      });
    });
  });
}
