import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, ConflictError } from '../../src/core/errors.js';
import type { Factor } from '../../src/core/factors/factor.js';
import type { PushTransaction } from '../../src/core/factors/push-transaction.js';
import type { NewUser } from '../../src/core/identity/identity-store.js';
import type { User } from '../../src/core/identity/user.js';
import type { StoredMail } from '../../src/core/mail/mailbox-store.js';
import type { OtpRecord } from '../../src/core/otp/otp-record.js';
import type { Session } from '../../src/core/session/session.js';
import type { GrantCode } from '../../src/core/sso/grant.js';
import type { Stores } from '../../src/core/stores.js';

export interface StoresHandle {
  stores: Stores;
  close(): Promise<void>;
}

// Odd milliseconds everywhere: a backend that rounds to seconds or microseconds shows up at once.
const T0 = new Date('2026-03-04T05:06:07.891Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const newUser = (id: string, login: string, extra: Partial<NewUser> = {}): NewUser => ({
  id,
  status: 'ACTIVE',
  profile: { firstName: 'Ann', lastName: 'Lee', email: login, login },
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
  now: T0,
  ...extra,
});

const factor = (id: string, userId: string, extra: Partial<Factor> = {}): Factor => ({
  id,
  userId,
  factorType: 'email',
  provider: 'OKTA',
  status: 'PENDING_ACTIVATION',
  profile: { email: 'ann@example.com' },
  created: at(1),
  lastUpdated: at(1),
  ...extra,
});

const otp = (id: string, userId: string, factorId: string, extra: Partial<OtpRecord> = {}): OtpRecord => ({
  id,
  userId,
  factorId,
  purpose: 'challenge',
  codeHash: `hash-of-${id}`,
  keyId: 'k1',
  createdAt: at(7),
  expiresAt: at(7 + 5 * MINUTE),
  attempts: 0,
  consumedAt: null,
  ...extra,
});

const session = (tokenHash: string, userId: string, extra: Partial<Session> = {}): Session => ({
  tokenHash,
  userId,
  login: 'ann@example.com',
  status: 'MFA_REQUIRED',
  createdAt: at(11),
  absoluteExpiresAt: at(11 + 12 * 60 * MINUTE),
  idleExpiresAt: at(11 + 30 * MINUTE),
  lastPasswordVerification: at(11),
  lastFactorVerification: null,
  amr: ['pwd'],
  ...extra,
});

const grant = (codeHash: string, userId: string, extra: Partial<GrantCode> = {}): GrantCode => ({
  codeHash,
  userId,
  sessionHash: 'session-hash',
  createdAt: at(13),
  expiresAt: at(13 + MINUTE),
  ...extra,
});

const mail = (id: string, to: string, createdAt: Date): StoredMail => ({
  id,
  to,
  subject: `subject ${id}`,
  text: `text ${id} ✓`,
  html: `<p>html ${id}</p>`,
  kind: 'otp-challenge',
  createdAt,
});

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );

async function expectConflict(promise: Promise<unknown>, constraint: string): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(ConflictError);
  expect((error as ConflictError).constraint).toBe(constraint);
}

async function expectUserNotFound(promise: Promise<unknown>): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(AuthError);
  expect(error).toMatchObject({ code: 'not_found', resource: 'User' });
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * The contract every Stores backend honours. `factory` is called before each test and must hand
 * out empty stores; `close` is called after it.
 */
export function storesContract(name: string, factory: () => Promise<StoresHandle>): void {
  describe(`stores contract: ${name}`, () => {
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

    /** A user to hang factors, codes, sessions and grants on. */
    const seedUser = async (id = 'u1', login = `${id}@example.com`): Promise<User> =>
      stores.identity.createUser(newUser(id, login));

    describe('identity', () => {
      it('creates a user and stamps its lifecycle dates', async () => {
        const created = await stores.identity.createUser(newUser('u1', 'Ann.Lee@Example.com'));
        const expected: User = {
          id: 'u1',
          status: 'ACTIVE',
          created: T0,
          activated: T0,
          statusChanged: null,
          lastLogin: null,
          lastUpdated: T0,
          passwordChanged: T0,
          profile: { firstName: 'Ann', lastName: 'Lee', email: 'Ann.Lee@Example.com', login: 'Ann.Lee@Example.com' },
          passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
          failedLogins: 0,
        };
        expect(created).toStrictEqual(expected);
        expect(await stores.identity.findUserById('u1')).toStrictEqual(expected);
        expect(await stores.identity.findUserById('nobody')).toBeNull();
      });

      it('leaves activated and passwordChanged empty for a STAGED user without a password', async () => {
        const created = await stores.identity.createUser(newUser('u1', 'a@example.com', { status: 'STAGED', passwordHash: null }));
        expect(created).toMatchObject({ status: 'STAGED', activated: null, passwordChanged: null, passwordHash: null });
        expect(await stores.identity.findUserById('u1')).toStrictEqual(created);
      });

      it('round-trips the whole profile, optional and null members included', async () => {
        const profile = {
          firstName: 'Zoë',
          lastName: "O'Brien \"quoted\"",
          email: 'zoe@example.com',
          login: 'zoe@example.com',
          locale: 'fr_FR',
          timeZone: 'Europe/Paris',
          mobilePhone: null,
        };
        await stores.identity.createUser({ ...newUser('u1', 'zoe@example.com'), profile });
        expect((await stores.identity.findUserById('u1'))?.profile).toStrictEqual(profile);
      });

      it('finds users by login case-insensitively', async () => {
        await stores.identity.createUser(newUser('u1', 'Ann.Lee@Example.com'));
        expect((await stores.identity.findUserByLogin('ann.lee@example.com'))?.id).toBe('u1');
        expect((await stores.identity.findUserByLogin('ANN.LEE@EXAMPLE.COM'))?.id).toBe('u1');
        expect(await stores.identity.findUserByLogin('ann@example.com')).toBeNull();
      });

      it('refuses a login that exists in another case with ConflictError(login)', async () => {
        await stores.identity.createUser(newUser('u1', 'ann@example.com'));
        await expectConflict(stores.identity.createUser(newUser('u2', 'ANN@Example.COM')), 'login');
        expect(await stores.identity.findUserById('u2')).toBeNull();
        expect((await stores.identity.findUserByLogin('ann@example.com'))?.id).toBe('u1');
      });

      it('lets exactly one of many parallel sign-ups with one login through', async () => {
        const results = await Promise.allSettled(
          range(10).map((i) => stores.identity.createUser(newUser(`u${i}`, i % 2 === 0 ? 'race@example.com' : 'RACE@example.com'))),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') {
            expect(r.reason).toBeInstanceOf(ConflictError);
            expect((r.reason as ConflictError).constraint).toBe('login');
          }
        }
      });

      it('refuses a duplicate id with ConflictError(user_id)', async () => {
        await stores.identity.createUser(newUser('u1', 'a@example.com'));
        await expectConflict(stores.identity.createUser(newUser('u1', 'b@example.com')), 'user_id');
        expect(await stores.identity.findUserByLogin('b@example.com')).toBeNull();
      });

      it('counts failed logins and resets them on success', async () => {
        await seedUser();
        expect(await stores.identity.recordLoginFailure('u1', at(1))).toBe(1);
        expect(await stores.identity.recordLoginFailure('u1', at(2))).toBe(2);
        expect((await stores.identity.findUserById('u1'))?.failedLogins).toBe(2);

        await stores.identity.recordLoginSuccess('u1', at(3));
        const user = await stores.identity.findUserById('u1');
        expect(user).toMatchObject({ failedLogins: 0, lastLogin: at(3), lastUpdated: T0 });
        expect(await stores.identity.recordLoginFailure('u1', at(4))).toBe(1);
      });

      it('gives parallel login failures distinct counts', async () => {
        await seedUser();
        const counts = await Promise.all(range(20).map(() => stores.identity.recordLoginFailure('u1', at(1))));
        expect([...counts].sort((a, b) => a - b)).toEqual(range(20).map((i) => i + 1));
        expect((await stores.identity.findUserById('u1'))?.failedLogins).toBe(20);
      });

      it('sets the status and stamps statusChanged and lastUpdated', async () => {
        await seedUser();
        await stores.identity.setUserStatus('u1', 'LOCKED_OUT', at(5));
        const user = await stores.identity.findUserById('u1');
        expect(user).toMatchObject({ status: 'LOCKED_OUT', statusChanged: at(5), lastUpdated: at(5), activated: T0 });
      });

      it('unlocks a locked user once, resetting the failure counter', async () => {
        await seedUser();
        for (let i = 0; i < 3; i++) await stores.identity.recordLoginFailure('u1', at(1));
        expect(await stores.identity.unlockUser('u1', at(2))).toBe(false);
        await stores.identity.setUserStatus('u1', 'LOCKED_OUT', at(3));
        const results = await Promise.all(range(5).map(() => stores.identity.unlockUser('u1', at(4))));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await stores.identity.findUserById('u1')).toMatchObject({ status: 'ACTIVE', failedLogins: 0, statusChanged: at(4) });
        expect(await stores.identity.unlockUser('nobody', at(4))).toBe(false);
      });

      it('changes the password: new hash, passwordChanged, counter reset, PASSWORD_EXPIRED → ACTIVE', async () => {
        await seedUser();
        await stores.identity.recordLoginFailure('u1', at(1));
        await stores.identity.setUserStatus('u1', 'PASSWORD_EXPIRED', at(2));
        await stores.identity.changePassword('u1', '$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3', at(3));
        expect(await stores.identity.findUserById('u1')).toMatchObject({
          passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3',
          passwordChanged: at(3),
          failedLogins: 0,
          status: 'ACTIVE',
          statusChanged: at(3),
          lastUpdated: at(3),
        });
        await stores.identity.setUserStatus('u1', 'SUSPENDED', at(4));
        await stores.identity.changePassword('u1', '$argon2id$v=19$m=19456,t=2,p=1$bmV4$bmV4', at(5));
        expect(await stores.identity.findUserById('u1')).toMatchObject({ status: 'SUSPENDED', passwordChanged: at(5) });
      });

      it('replaces the password hash without touching passwordChanged', async () => {
        await seedUser();
        await stores.identity.updatePasswordHash('u1', '$argon2id$v=19$m=65536,t=3,p=4$bmV3$bmV3', at(6));
        const user = await stores.identity.findUserById('u1');
        expect(user).toMatchObject({ passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$bmV3$bmV3', lastUpdated: at(6), passwordChanged: T0 });
      });

      it('treats writes to an unknown user as no-ops', async () => {
        expect(await stores.identity.recordLoginFailure('nobody', T0)).toBe(0);
        await stores.identity.recordLoginSuccess('nobody', T0);
        await stores.identity.setUserStatus('nobody', 'SUSPENDED', T0);
        await stores.identity.updatePasswordHash('nobody', 'x', T0);
        expect(await stores.identity.findUserById('nobody')).toBeNull();
      });

      it('returns copies, never its own objects', async () => {
        const input = newUser('u1', 'a@example.com');
        const created = await stores.identity.createUser(input);
        input.profile.firstName = 'Changed';
        created.profile.lastName = 'Changed';
        created.created.setTime(0);
        const found = await stores.identity.findUserById('u1');
        expect(found?.profile).toMatchObject({ firstName: 'Ann', lastName: 'Lee' });
        expect(found?.created).toEqual(T0);
        found!.failedLogins = 99;
        expect((await stores.identity.findUserByLogin('a@example.com'))?.failedLogins).toBe(0);
      });

      it('deletes a user with their factors, codes, sessions and grants, and only theirs', async () => {
        await seedUser('u1', 'ann@example.com');
        await seedUser('u2');
        for (const owner of ['u1', 'u2']) {
          await stores.factors.createFactor(factor(`f-${owner}`, owner));
          await stores.otps.issue(otp(`o-${owner}`, owner, `f-${owner}`));
          await stores.sessions.createSession(session(`s-${owner}`, owner));
          await stores.grants.createGrant(grant(`g-${owner}`, owner));
        }

        expect(await stores.identity.deleteUser('u1')).toBe(true);
        expect(await stores.identity.findUserById('u1')).toBeNull();
        expect(await stores.identity.findUserByLogin('ann@example.com')).toBeNull();
        expect(await stores.factors.findFactor('f-u1')).toBeNull();
        expect(await stores.factors.listFactors('u1')).toEqual([]);
        expect(await stores.otps.findLatest('u1', 'f-u1', 'challenge')).toBeNull();
        expect(await stores.otps.registerAttempt('o-u1', 5)).toBeNull();
        expect(await stores.sessions.findSession('s-u1')).toBeNull();
        expect(await stores.grants.consumeGrant('g-u1', at(14))).toBeNull();

        expect(await stores.factors.findFactor('f-u2')).not.toBeNull();
        expect(await stores.otps.findLatest('u2', 'f-u2', 'challenge')).not.toBeNull();
        expect(await stores.sessions.findSession('s-u2')).not.toBeNull();
        expect(await stores.grants.consumeGrant('g-u2', at(14))).not.toBeNull();

        expect(await stores.identity.deleteUser('u1')).toBe(false);
        // The login is free again.
        expect((await stores.identity.createUser(newUser('u3', 'ANN@example.com'))).id).toBe('u3');
      });
    });

    describe('factors', () => {
      it('creates, finds and round-trips a factor', async () => {
        await seedUser();
        const input = factor('f1', 'u1', { factorType: 'token:software:totp', provider: 'GOOGLE', profile: { credentialId: 'ann' } });
        expect(await stores.factors.createFactor(input)).toStrictEqual(input);
        expect(await stores.factors.findFactor('f1')).toStrictEqual(input);
        expect(await stores.factors.findFactor('nope')).toBeNull();
      });

      it('lists a user’s factors oldest first, same-millisecond ones in creation order', async () => {
        await seedUser('u1');
        await seedUser('u2');
        await stores.factors.createFactor(factor('f-late', 'u1', { created: at(50) }));
        await stores.factors.createFactor(factor('f-z', 'u1', { created: at(10) }));
        await stores.factors.createFactor(factor('f-a', 'u1', { created: at(10) }));
        await stores.factors.createFactor(factor('f-other', 'u2'));
        expect((await stores.factors.listFactors('u1')).map((f) => f.id)).toEqual(['f-z', 'f-a', 'f-late']);
        expect(await stores.factors.listFactors('nobody')).toEqual([]);
      });

      it('activates a pending factor exactly once', async () => {
        await seedUser();
        await stores.factors.createFactor(factor('f1', 'u1'));
        expect(await stores.factors.activateFactor('f1', at(100))).toBe(true);
        expect(await stores.factors.findFactor('f1')).toMatchObject({ status: 'ACTIVE', lastUpdated: at(100), created: at(1) });
        expect(await stores.factors.activateFactor('f1', at(200))).toBe(false);
        expect((await stores.factors.findFactor('f1'))?.lastUpdated).toEqual(at(100));
        expect(await stores.factors.activateFactor('nope', at(200))).toBe(false);
      });

      it('lets one of many parallel activations win', async () => {
        await seedUser();
        await stores.factors.createFactor(factor('f1', 'u1'));
        const results = await Promise.all(range(20).map((i) => stores.factors.activateFactor('f1', at(i))));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('deletes a factor together with its codes', async () => {
        await seedUser();
        await stores.factors.createFactor(factor('f1', 'u1'));
        await stores.factors.createFactor(factor('f2', 'u1'));
        await stores.otps.issue(otp('o1', 'u1', 'f1'));
        await stores.otps.issue(otp('o2', 'u1', 'f2'));
        expect(await stores.factors.deleteFactor('f1')).toBe(true);
        expect(await stores.factors.findFactor('f1')).toBeNull();
        expect(await stores.otps.findLatest('u1', 'f1', 'challenge')).toBeNull();
        expect(await stores.otps.registerAttempt('o1', 5)).toBeNull();
        expect(await stores.otps.registerAttempt('o2', 5)).toBe(1);
        expect(await stores.factors.deleteFactor('f1')).toBe(false);
      });

      it('refuses a duplicate id and an unknown owner', async () => {
        await seedUser();
        await stores.factors.createFactor(factor('f1', 'u1'));
        await expectConflict(stores.factors.createFactor(factor('f1', 'u1')), 'factor_id');
        await expectUserNotFound(stores.factors.createFactor(factor('f2', 'nobody')));
        expect(await stores.factors.findFactor('f2')).toBeNull();
      });
    });

    describe('one-time codes', () => {
      beforeEach(async () => {
        await seedUser();
        await stores.factors.createFactor(factor('f1', 'u1'));
        await stores.factors.createFactor(factor('f2', 'u1'));
      });

      it('issues a code and finds it back unchanged', async () => {
        const record = otp('o1', 'u1', 'f1');
        await stores.otps.issue(record);
        expect(await stores.otps.findLatest('u1', 'f1', 'challenge')).toStrictEqual(record);
      });

      it('keys codes by user, factor and purpose', async () => {
        await stores.otps.issue(otp('o1', 'u1', 'f1', { purpose: 'enroll' }));
        expect(await stores.otps.findLatest('u1', 'f1', 'challenge')).toBeNull();
        expect(await stores.otps.findLatest('u1', 'f2', 'enroll')).toBeNull();
        expect(await stores.otps.findLatest('u2', 'f1', 'enroll')).toBeNull();
        expect((await stores.otps.findLatest('u1', 'f1', 'enroll'))?.id).toBe('o1');
      });

      it('kills the previous code of the same user, factor and purpose on issue', async () => {
        await stores.otps.issue(otp('old', 'u1', 'f1'));
        await stores.otps.issue(otp('other-purpose', 'u1', 'f1', { purpose: 'enroll' }));
        await stores.otps.issue(otp('other-factor', 'u1', 'f2'));
        expect(await stores.otps.registerAttempt('old', 5)).toBe(1);

        const fresh = otp('new', 'u1', 'f1', { createdAt: at(30 * SECOND), expiresAt: at(330 * SECOND) });
        await stores.otps.issue(fresh);
        expect(await stores.otps.findLatest('u1', 'f1', 'challenge')).toStrictEqual(fresh);
        expect(await stores.otps.registerAttempt('old', 5)).toBeNull();
        expect(await stores.otps.consume('old', at(31 * SECOND))).toBe(false);
        // Codes for another purpose or factor live on.
        expect((await stores.otps.findLatest('u1', 'f1', 'enroll'))?.id).toBe('other-purpose');
        expect((await stores.otps.findLatest('u1', 'f2', 'challenge'))?.id).toBe('other-factor');
      });

      it('issues after a consumed code', async () => {
        await stores.otps.issue(otp('o1', 'u1', 'f1'));
        expect(await stores.otps.consume('o1', at(20))).toBe(true);
        await stores.otps.issue(otp('o2', 'u1', 'f1'));
        expect((await stores.otps.findLatest('u1', 'f1', 'challenge'))?.id).toBe('o2');
        expect(await stores.otps.consume('o1', at(21))).toBe(false);
      });

      it('leaves exactly one live code when issues race', async () => {
        await Promise.all(range(10).map((i) => stores.otps.issue(otp(`o${i}`, 'u1', 'f1'))));
        const latest = await stores.otps.findLatest('u1', 'f1', 'challenge');
        expect(latest).not.toBeNull();
        const live = await Promise.all(range(10).map((i) => stores.otps.registerAttempt(`o${i}`, 5)));
        expect(live.filter((n) => n !== null)).toEqual([1]);
        expect(live[Number(latest!.id.slice(1))]).toBe(1);
      });

      it('returns the latest code whether or not it has expired', async () => {
        await stores.otps.issue(otp('o1', 'u1', 'f1', { expiresAt: at(8) }));
        expect((await stores.otps.findLatest('u1', 'f1', 'challenge'))?.expiresAt).toEqual(at(8));
      });

      it('counts attempts up to the maximum, then refuses', async () => {
        await stores.otps.issue(otp('o1', 'u1', 'f1'));
        expect(await stores.otps.registerAttempt('o1', 3)).toBe(1);
        expect(await stores.otps.registerAttempt('o1', 3)).toBe(2);
        expect(await stores.otps.registerAttempt('o1', 3)).toBe(3);
        expect(await stores.otps.registerAttempt('o1', 3)).toBeNull();
        expect((await stores.otps.findLatest('u1', 'f1', 'challenge'))?.attempts).toBe(3);
        expect(await stores.otps.registerAttempt('nope', 3)).toBeNull();
      });

      it('lets exactly maxAttempts of 50 parallel attempts through', async () => {
        await stores.otps.issue(otp('o1', 'u1', 'f1'));
        const results = await Promise.all(range(50).map(() => stores.otps.registerAttempt('o1', 5)));
        const granted = results.filter((n): n is number => n !== null);
        expect(granted).toHaveLength(5);
        expect([...granted].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
        expect((await stores.otps.findLatest('u1', 'f1', 'challenge'))?.attempts).toBe(5);
      });

      it('consumes a code once, and a consumed code takes no more attempts', async () => {
        await stores.otps.issue(otp('o1', 'u1', 'f1'));
        expect(await stores.otps.consume('o1', at(60))).toBe(true);
        expect(await stores.otps.consume('o1', at(61))).toBe(false);
        expect(await stores.otps.registerAttempt('o1', 5)).toBeNull();
        expect(await stores.otps.findLatest('u1', 'f1', 'challenge')).toBeNull();
        expect(await stores.otps.consume('nope', at(61))).toBe(false);
      });

      it('gives a parallel consume to exactly one caller', async () => {
        await stores.otps.issue(otp('o1', 'u1', 'f1'));
        const results = await Promise.all(range(20).map((i) => stores.otps.consume('o1', at(i))));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('revokes the unconsumed code of one user, factor and purpose', async () => {
        await stores.otps.issue(otp('o1', 'u1', 'f1'));
        await stores.otps.issue(otp('o2', 'u1', 'f1', { purpose: 'enroll' }));
        await stores.otps.revokeAll('u1', 'f1', 'challenge', at(40));
        expect(await stores.otps.findLatest('u1', 'f1', 'challenge')).toBeNull();
        expect(await stores.otps.registerAttempt('o1', 5)).toBeNull();
        expect(await stores.otps.consume('o1', at(41))).toBe(false);
        expect(await stores.otps.registerAttempt('o2', 5)).toBe(1);
        await stores.otps.revokeAll('u1', 'f2', 'challenge', at(42));
      });

      it('tells when the newest code of a factor was issued, used or not, but not revoked ones', async () => {
        expect(await stores.otps.lastIssuedAt('u1', 'f1')).toBeNull();
        await stores.otps.issue(otp('o1', 'u1', 'f1', { purpose: 'enroll', createdAt: at(10) }));
        await stores.otps.consume('o1', at(11));
        expect(await stores.otps.lastIssuedAt('u1', 'f1')).toEqual(at(10));
        await stores.otps.issue(otp('o2', 'u1', 'f1', { purpose: 'challenge', createdAt: at(20) }));
        expect(await stores.otps.lastIssuedAt('u1', 'f1')).toEqual(at(20));
        await stores.otps.revokeAll('u1', 'f1', 'challenge', at(21));
        expect(await stores.otps.lastIssuedAt('u1', 'f1')).toEqual(at(10));
        expect(await stores.otps.lastIssuedAt('u1', 'f2')).toBeNull();
      });

      it('refuses a code for an unknown user and a duplicate id', async () => {
        await expectUserNotFound(stores.otps.issue(otp('o1', 'nobody', 'f1')));
        await stores.otps.issue(otp('o1', 'u1', 'f1'));
        await expectConflict(stores.otps.issue(otp('o1', 'u1', 'f2')), 'otp_id');
        expect(await stores.otps.findLatest('u1', 'f2', 'challenge')).toBeNull();
      });
    });

    describe('sessions', () => {
      beforeEach(async () => {
        await seedUser('u1');
        await seedUser('u2');
      });

      it('creates and finds a session unchanged', async () => {
        const input = session('s1', 'u1', { amr: ['pwd', 'otp'], lastFactorVerification: at(12) });
        await stores.sessions.createSession(input);
        expect(await stores.sessions.findSession('s1')).toStrictEqual(input);
        expect(await stores.sessions.findSession('nope')).toBeNull();
      });

      it('refuses a duplicate token hash and an unknown user', async () => {
        await stores.sessions.createSession(session('s1', 'u1'));
        await expectConflict(stores.sessions.createSession(session('s1', 'u2')), 'session');
        expect((await stores.sessions.findSession('s1'))?.userId).toBe('u1');
        await expectUserNotFound(stores.sessions.createSession(session('s2', 'nobody')));
      });

      it('returns copies, never its own objects', async () => {
        const input = session('s1', 'u1');
        await stores.sessions.createSession(input);
        input.amr.push('mutated');
        const found = await stores.sessions.findSession('s1');
        found!.amr.push('mutated');
        found!.idleExpiresAt.setTime(0);
        expect(await stores.sessions.findSession('s1')).toStrictEqual(session('s1', 'u1'));
      });

      it('moves the idle expiry forward, never backward', async () => {
        await stores.sessions.createSession(session('s1', 'u1', { idleExpiresAt: at(30 * MINUTE) }));
        await stores.sessions.touchSession('s1', at(40 * MINUTE + 7));
        expect((await stores.sessions.findSession('s1'))?.idleExpiresAt).toEqual(at(40 * MINUTE + 7));
        await stores.sessions.touchSession('s1', at(35 * MINUTE));
        expect((await stores.sessions.findSession('s1'))?.idleExpiresAt).toEqual(at(40 * MINUTE + 7));
        await stores.sessions.touchSession('nope', at(50 * MINUTE));
        expect(await stores.sessions.findSession('nope')).toBeNull();
      });

      it('keeps the latest idle expiry when touches race', async () => {
        await stores.sessions.createSession(session('s1', 'u1', { idleExpiresAt: at(0) }));
        const targets = range(20).map((i) => at(((i * 7) % 20) * SECOND + 1));
        await Promise.all(targets.map((t) => stores.sessions.touchSession('s1', t)));
        expect((await stores.sessions.findSession('s1'))?.idleExpiresAt).toEqual(at(19 * SECOND + 1));
      });

      it('completes MFA only for the owner, only while pending, and only once', async () => {
        await stores.sessions.createSession(session('s1', 'u1'));
        expect(await stores.sessions.completeMfa('s1', 'u2', at(20), ['pwd', 'otp', 'mfa'])).toBe(false);
        expect((await stores.sessions.findSession('s1'))?.status).toBe('MFA_REQUIRED');

        expect(await stores.sessions.completeMfa('s1', 'u1', at(21), ['pwd', 'otp', 'mfa'])).toBe(true);
        expect(await stores.sessions.findSession('s1')).toStrictEqual(
          session('s1', 'u1', { status: 'ACTIVE', lastFactorVerification: at(21), amr: ['pwd', 'otp', 'mfa'] }),
        );
        expect(await stores.sessions.completeMfa('s1', 'u1', at(22), ['x'])).toBe(false);
        expect((await stores.sessions.findSession('s1'))?.amr).toEqual(['pwd', 'otp', 'mfa']);
        expect(await stores.sessions.completeMfa('nope', 'u1', at(22), ['x'])).toBe(false);
      });

      it('completes MFA for one of many parallel callers', async () => {
        await stores.sessions.createSession(session('s1', 'u1'));
        const results = await Promise.all(range(20).map((i) => stores.sessions.completeMfa('s1', 'u1', at(i), ['pwd', 'mfa'])));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('completes MFA for the user’s pending sessions created at or before the given instant', async () => {
        await stores.sessions.createSession(session('before', 'u1', { createdAt: at(100) }));
        await stores.sessions.createSession(session('exactly', 'u1', { createdAt: at(200) }));
        await stores.sessions.createSession(session('after', 'u1', { createdAt: at(201) }));
        await stores.sessions.createSession(session('active', 'u1', { createdAt: at(50), status: 'ACTIVE', amr: ['pwd', 'mfa'] }));
        await stores.sessions.createSession(session('other-user', 'u2', { createdAt: at(100) }));

        expect(await stores.sessions.completeMfaForUser('u1', at(200), at(300), ['pwd', 'otp', 'mfa'])).toBe(2);
        for (const hash of ['before', 'exactly']) {
          expect(await stores.sessions.findSession(hash)).toMatchObject({
            status: 'ACTIVE',
            lastFactorVerification: at(300),
            amr: ['pwd', 'otp', 'mfa'],
          });
        }
        expect((await stores.sessions.findSession('after'))?.status).toBe('MFA_REQUIRED');
        expect((await stores.sessions.findSession('other-user'))?.status).toBe('MFA_REQUIRED');
        expect(await stores.sessions.findSession('active')).toMatchObject({ lastFactorVerification: null, amr: ['pwd', 'mfa'] });
        expect(await stores.sessions.completeMfaForUser('u1', at(200), at(301), ['x'])).toBe(0);
      });

      it('deletes one session, or all of a user’s', async () => {
        await stores.sessions.createSession(session('a1', 'u1'));
        await stores.sessions.createSession(session('a2', 'u1'));
        await stores.sessions.createSession(session('a3', 'u1'));
        await stores.sessions.createSession(session('b1', 'u2'));
        expect(await stores.sessions.deleteSession('a1')).toBe(true);
        expect(await stores.sessions.deleteSession('a1')).toBe(false);
        expect(await stores.sessions.findSession('a1')).toBeNull();
        expect(await stores.sessions.deleteSessionsForUser('u1')).toBe(2);
        expect(await stores.sessions.deleteSessionsForUser('u1')).toBe(0);
        expect(await stores.sessions.findSession('b1')).not.toBeNull();
      });

      it('deletes the sessions that are no longer live', async () => {
        const now = at(60 * MINUTE);
        await stores.sessions.createSession(session('idle-gone', 'u1', { idleExpiresAt: at(60 * MINUTE - 1) }));
        await stores.sessions.createSession(session('idle-now', 'u1', { idleExpiresAt: now }));
        await stores.sessions.createSession(
          session('absolute-gone', 'u1', { idleExpiresAt: at(90 * MINUTE), absoluteExpiresAt: at(59 * MINUTE) }),
        );
        await stores.sessions.createSession(session('live', 'u2', { idleExpiresAt: at(60 * MINUTE + 1) }));
        expect(await stores.sessions.deleteExpiredSessions(now)).toBe(3);
        expect(await stores.sessions.findSession('live')).not.toBeNull();
        expect(await stores.sessions.findSession('idle-now')).toBeNull();
        expect(await stores.sessions.deleteExpiredSessions(now)).toBe(0);
      });
    });

    describe('grants', () => {
      beforeEach(async () => {
        await seedUser('u1');
      });

      it('hands a grant out once', async () => {
        const input = grant('g1', 'u1');
        await stores.grants.createGrant(input);
        expect(await stores.grants.consumeGrant('g1', at(14))).toStrictEqual(input);
        expect(await stores.grants.consumeGrant('g1', at(15))).toBeNull();
        expect(await stores.grants.consumeGrant('nope', at(15))).toBeNull();
      });

      it('gives a grant to exactly one of many parallel callers', async () => {
        await stores.grants.createGrant(grant('g1', 'u1'));
        const results = await Promise.all(range(20).map(() => stores.grants.consumeGrant('g1', at(14))));
        expect(results.filter((g) => g !== null)).toHaveLength(1);
      });

      it('does not hand out an expired grant', async () => {
        await stores.grants.createGrant(grant('g1', 'u1', { expiresAt: at(100) }));
        expect(await stores.grants.consumeGrant('g1', at(100))).toBeNull();
        expect(await stores.grants.consumeGrant('g1', at(101))).toBeNull();
        // Still there until housekeeping: only time made it unusable.
        expect(await stores.grants.consumeGrant('g1', at(99))).not.toBeNull();
      });

      it('deletes the expired grants', async () => {
        await stores.grants.createGrant(grant('gone', 'u1', { expiresAt: at(50) }));
        await stores.grants.createGrant(grant('now', 'u1', { expiresAt: at(100) }));
        await stores.grants.createGrant(grant('live', 'u1', { expiresAt: at(101) }));
        expect(await stores.grants.deleteExpiredGrants(at(100))).toBe(2);
        expect(await stores.grants.deleteExpiredGrants(at(100))).toBe(0);
        expect(await stores.grants.consumeGrant('live', at(100))).not.toBeNull();
      });

      it('refuses a duplicate code and an unknown user', async () => {
        await stores.grants.createGrant(grant('g1', 'u1'));
        await expectConflict(stores.grants.createGrant(grant('g1', 'u1', { sessionHash: 'other' })), 'grant');
        expect((await stores.grants.consumeGrant('g1', at(14)))?.sessionHash).toBe('session-hash');
        await expectUserNotFound(stores.grants.createGrant(grant('g2', 'nobody')));
      });
    });

    describe('mailbox', () => {
      it('stores a mail and finds it back unchanged', async () => {
        const input = mail('m1', 'Ann@Example.com', at(1));
        await stores.mailbox.addMail(input);
        expect(await stores.mailbox.findMail('m1')).toStrictEqual(input);
        expect(await stores.mailbox.findMail('nope')).toBeNull();
        await expectConflict(stores.mailbox.addMail(mail('m1', 'b@example.com', at(2))), 'mail_id');
      });

      it('lists newest first, same-millisecond mail by insertion, up to the limit', async () => {
        await stores.mailbox.addMail(mail('m1', 'a@example.com', at(10)));
        await stores.mailbox.addMail(mail('m2', 'b@example.com', at(30)));
        await stores.mailbox.addMail(mail('m3', 'a@example.com', at(20)));
        await stores.mailbox.addMail(mail('m4', 'a@example.com', at(30)));
        expect((await stores.mailbox.listMail({ limit: 10 })).map((m) => m.id)).toEqual(['m4', 'm2', 'm3', 'm1']);
        expect((await stores.mailbox.listMail({ limit: 2 })).map((m) => m.id)).toEqual(['m4', 'm2']);
        expect(await stores.mailbox.listMail({ limit: 0 })).toEqual([]);
        expect((await stores.mailbox.listMail({ limit: 1 }))[0]).toStrictEqual(mail('m4', 'a@example.com', at(30)));
      });

      it('filters by recipient case-insensitively', async () => {
        await stores.mailbox.addMail(mail('m1', 'Ann@Example.com', at(10)));
        await stores.mailbox.addMail(mail('m2', 'bob@example.com', at(20)));
        await stores.mailbox.addMail(mail('m3', 'ann@example.com', at(30)));
        const found = await stores.mailbox.listMail({ limit: 10, to: 'ANN@example.COM' });
        expect(found.map((m) => [m.id, m.to])).toEqual([
          ['m3', 'ann@example.com'],
          ['m1', 'Ann@Example.com'],
        ]);
        expect(await stores.mailbox.listMail({ limit: 10, to: 'nobody@example.com' })).toEqual([]);
      });
    });
    describe('factor secrets and TOTP steps', () => {
      it('keeps the sealed secret apart from the factor and advances the step only forward, once per step', async () => {
        await seedUser();
        const created = await stores.factors.createFactor(
          factor('ost1', 'u1', { factorType: 'token:software:totp', profile: { credentialId: 'u1@example.com' } }),
          { sealedSecret: 'v1.k.iv.body.tag' },
        );
        expect(created).not.toHaveProperty('sealedSecret');
        expect(await stores.factors.findFactor('ost1')).toStrictEqual(created);
        await stores.factors.createFactor(factor('emf1', 'u1'));
        expect(await stores.factors.findFactorSecret('ost1')).toBe('v1.k.iv.body.tag');
        expect(await stores.factors.findFactorSecret('emf1')).toBeNull();
        expect(await stores.factors.findFactorSecret('missing')).toBeNull();

        expect(await stores.factors.advanceTotpStep('ost1', 100)).toBe(true);
        expect(await stores.factors.advanceTotpStep('ost1', 100)).toBe(false);
        expect(await stores.factors.advanceTotpStep('ost1', 99)).toBe(false);
        expect(await stores.factors.advanceTotpStep('ost1', 101)).toBe(true);
        expect(await stores.factors.advanceTotpStep('missing', 1)).toBe(false);
        // Steps are per factor.
        expect(await stores.factors.advanceTotpStep('emf1', 100)).toBe(true);
      });

      it('lets exactly one of many parallel callers take a step', async () => {
        await seedUser();
        await stores.factors.createFactor(factor('ost1', 'u1', { factorType: 'token:software:totp' }), { sealedSecret: 's' });
        const results = await Promise.all(range(20).map(() => stores.factors.advanceTotpStep('ost1', 56_666_666)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('push transactions', () => {
      const pushTx = (id: string, extra: Partial<PushTransaction> = {}): PushTransaction => ({
        id,
        userId: 'u1',
        factorId: 'opf1',
        purpose: 'verify',
        status: 'WAITING',
        createdAt: at(17),
        expiresAt: at(17 + 5 * MINUTE),
        answeredAt: null,
        consumedAt: null,
        linkTokenHash: `link-${id}`,
        requestIp: '203.0.113.9',
        requestUserAgent: 'Mozilla/5.0 ✓',
        ...extra,
      });
      const seedPush = async () => {
        await seedUser();
        await stores.factors.createFactor(factor('opf1', 'u1', { factorType: 'push', status: 'ACTIVE' }));
      };

      it('stores, finds by id and by link hash, and refuses duplicates', async () => {
        await seedPush();
        await stores.pushTransactions.createPushTransaction(pushTx('t1'));
        expect(await stores.pushTransactions.findPushTransaction('t1')).toStrictEqual(pushTx('t1'));
        expect(await stores.pushTransactions.findPushTransactionByLinkHash('link-t1')).toStrictEqual(pushTx('t1'));
        expect(await stores.pushTransactions.findPushTransaction('nope')).toBeNull();
        expect(await stores.pushTransactions.findPushTransactionByLinkHash('nope')).toBeNull();
        await expectConflict(stores.pushTransactions.createPushTransaction(pushTx('t1', { linkTokenHash: 'other' })), 'push_transaction');
        await expectConflict(stores.pushTransactions.createPushTransaction(pushTx('t2', { linkTokenHash: 'link-t1' })), 'push_transaction');
      });

      it('is answered once, only while waiting and unexpired; a success is consumed once', async () => {
        await seedPush();
        await stores.pushTransactions.createPushTransaction(pushTx('t1'));
        await stores.pushTransactions.createPushTransaction(pushTx('t2'));
        expect(await stores.pushTransactions.consumePushSuccess('t1', at(20))).toBe(false);
        const answers = await Promise.all(
          range(10).map((i) => stores.pushTransactions.answerPushTransaction('t1', i % 2 === 0 ? 'SUCCESS' : 'REJECTED', at(20))),
        );
        expect(answers.filter(Boolean)).toHaveLength(1);
        const answered = await stores.pushTransactions.findPushTransaction('t1');
        expect(answered?.status).toBe(answers.indexOf(true) % 2 === 0 ? 'SUCCESS' : 'REJECTED');
        if (answered?.status === 'REJECTED') {
          // The rest of the test needs a success: start a fresh one.
          await stores.pushTransactions.createPushTransaction(pushTx('t1b'));
          expect(await stores.pushTransactions.answerPushTransaction('t1b', 'SUCCESS', at(20))).toBe(true);
        }
        const winner = answered?.status === 'SUCCESS' ? 't1' : 't1b';
        expect(answered?.answeredAt).toEqual(at(20));
        expect(await stores.pushTransactions.answerPushTransaction('t1', 'REJECTED', at(21))).toBe(false);
        const consumed = await Promise.all(range(10).map(() => stores.pushTransactions.consumePushSuccess(winner, at(22))));
        expect(consumed.filter(Boolean)).toHaveLength(1);
        expect((await stores.pushTransactions.findPushTransaction(winner))?.consumedAt).toEqual(at(22));
        // Expired: no answer any more.
        expect(await stores.pushTransactions.answerPushTransaction('t2', 'SUCCESS', at(17 + 5 * MINUTE))).toBe(false);
        expect(await stores.pushTransactions.answerPushTransaction('t2', 'CANCELLED', at(17 + 5 * MINUTE - 1))).toBe(true);
        expect((await stores.pushTransactions.findPushTransaction('t2'))?.status).toBe('CANCELLED');
        expect(await stores.pushTransactions.consumePushSuccess('t2', at(30))).toBe(false);
      });

      it('goes with its factor and with its user', async () => {
        await seedPush();
        await stores.pushTransactions.createPushTransaction(pushTx('t1'));
        expect(await stores.factors.deleteFactor('opf1')).toBe(true);
        expect(await stores.pushTransactions.findPushTransaction('t1')).toBeNull();
        await stores.factors.createFactor(factor('opf1', 'u1', { factorType: 'push' }));
        await stores.pushTransactions.createPushTransaction(pushTx('t2'));
        expect(await stores.identity.deleteUser('u1')).toBe(true);
        expect(await stores.pushTransactions.findPushTransactionByLinkHash('link-t2')).toBeNull();
      });
    });

  });
}
