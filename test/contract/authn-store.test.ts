import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/core/errors.js';
import type { AuthnFlow } from '../../src/core/flows/authn/authn-flow.js';
import type { Stores } from '../../src/core/stores.js';
import { createMemoryStores } from '../../src/storage/memory/memory-stores.js';
import { createSqlStores } from '../../src/storage/sql/sql-stores.js';
import { onEveryBackend } from '../support/store-backends.js';

// Odd milliseconds: a backend that rounds shows up at once.
const T0 = new Date('2026-03-04T05:06:07.891Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);
const MINUTE = 60_000;

const flow = (id: string, userId: string, extra: Partial<AuthnFlow> = {}): AuthnFlow =>
  ({
    id,
    stateTokenHash: `state-${id}`,
    userId,
    createdAt: T0,
    expiresAt: at(5 * MINUTE),
    maxExpiresAt: at(60 * MINUTE),
    relayState: null,
    options: { multiOptionalFactorEnroll: false, warnBeforePasswordExpired: true },
    policy: { mfaRequired: true, password: 'WARN', passwordExpiresAt: at(86_400_000 + 3), idleSeconds: 300, sessionTokenSeconds: 300 },
    amr: ['pwd'],
    version: 1,
    state: 'MFA_REQUIRED',
    ...extra,
  }) as AuthnFlow;

const success = (id: string, userId: string, expiresInMs = 5 * MINUTE): AuthnFlow =>
  flow(id, userId, { state: 'SUCCESS', sessionTokenHash: `session-${id}`, sessionTokenExpiresAt: at(expiresInMs), version: 3 } as Partial<AuthnFlow>);

/** The AuthnTransactionStore contract, on every backend. */
function authnStoreContract(name: string, open: () => Promise<Stores>): void {
  describe(`authn transaction store: ${name}`, () => {
    let stores: Stores;
    beforeEach(async () => {
      stores = await open();
      for (const id of ['u1', 'u2']) {
        await stores.identity.createUser({
          id,
          status: 'ACTIVE',
          profile: { firstName: 'A', lastName: 'B', email: `${id}@example.com`, login: `${id}@example.com` },
          passwordHash: null,
          now: T0,
        });
      }
    });
    afterEach(async () => {
      for (const id of ['u1', 'u2']) await stores.identity.deleteUser(id);
    });

    it('round-trips every field of every state, dates to the millisecond', async () => {
      const challenge = flow('t1', 'u1', {
        state: 'MFA_CHALLENGE',
        factorId: 'emf1',
        challenge: 'waiting',
        factorResult: 'WAITING',
        pushTransactionId: 'ptx1',
        relayState: '/after',
      } as Partial<AuthnFlow>);
      await stores.authn.createTransaction(challenge);
      expect(await stores.authn.findByStateToken('state-t1')).toEqual(challenge);
      expect(await stores.authn.findByStateToken('state-unknown')).toBeNull();
      const warn = flow('t2', 'u1', { policy: { ...challenge.policy, passwordExpiresAt: null } });
      await stores.authn.createTransaction(warn);
      expect(await stores.authn.findByStateToken('state-t2')).toEqual(warn);
    });

    it('refuses a duplicate id or stateToken hash, and a transaction of an unknown user', async () => {
      await stores.authn.createTransaction(flow('t1', 'u1'));
      await expect(stores.authn.createTransaction(flow('t1', 'u1', { stateTokenHash: 'other' }))).rejects.toBeInstanceOf(ConflictError);
      await expect(stores.authn.createTransaction(flow('t9', 'u1', { stateTokenHash: 'state-t1' }))).rejects.toBeInstanceOf(ConflictError);
      await expect(stores.authn.createTransaction(flow('t3', 'nobody'))).rejects.toMatchObject({ code: 'not_found' });
    });

    it('updates by compare-and-set on the version: one of concurrent writers wins', async () => {
      await stores.authn.createTransaction(flow('t1', 'u1'));
      const nextFlows = Array.from({ length: 8 }, (_, i) => flow('t1', 'u1', { version: 2, amr: ['pwd', `m${i}`] }));
      const results = await Promise.all(nextFlows.map((f) => stores.authn.updateTransaction(f, 1)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const stored = await stores.authn.findByStateToken('state-t1');
      expect(stored?.version).toBe(2);
      expect(await stores.authn.updateTransaction(flow('t1', 'u1', { version: 3 }), 1)).toBe(false);
      expect(await stores.authn.updateTransaction(flow('nope', 'u1', { version: 2 }), 1)).toBe(false);
    });

    it('deletes once (cancel)', async () => {
      await stores.authn.createTransaction(flow('t1', 'u1'));
      const results = await Promise.all([stores.authn.deleteTransaction('t1'), stores.authn.deleteTransaction('t1')]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await stores.authn.findByStateToken('state-t1')).toBeNull();
    });

    it('hands a sessionToken to exactly one of concurrent consumers, and never after expiry', async () => {
      await stores.authn.createTransaction(flow('t1', 'u1'));
      expect(await stores.authn.updateTransaction(success('t1', 'u1'), 1)).toBe(true);
      const taken = await Promise.all(Array.from({ length: 6 }, () => stores.authn.consumeSessionToken('session-t1', at(MINUTE))));
      const winners = taken.filter((t) => t !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toMatchObject({ state: 'SUCCESS', userId: 'u1', amr: ['pwd'], sessionTokenExpiresAt: at(5 * MINUTE) });
      expect(await stores.authn.consumeSessionToken('session-t1', at(MINUTE))).toBeNull();

      await stores.authn.createTransaction(success('t2', 'u2', 2 * MINUTE));
      expect(await stores.authn.consumeSessionToken('session-t2', at(2 * MINUTE))).toBeNull();
      // An expired token is gone for good, even if the clock went backwards.
      expect(await stores.authn.consumeSessionToken('session-t2', at(0))).toBeNull();
    });

    it('removes expired transactions and forgets those of a deleted user', async () => {
      await stores.authn.createTransaction(flow('t1', 'u1', { expiresAt: at(MINUTE) }));
      await stores.authn.createTransaction(flow('t2', 'u1', { expiresAt: at(10 * MINUTE) }));
      await stores.authn.createTransaction(success('t3', 'u2', 3 * MINUTE));
      expect(await stores.authn.deleteExpiredTransactions(at(5 * MINUTE))).toBe(2);
      expect(await stores.authn.findByStateToken('state-t2')).not.toBeNull();
      await stores.identity.deleteUser('u1');
      expect(await stores.authn.findByStateToken('state-t2')).toBeNull();
    });
  });
}

onEveryBackend(authnStoreContract, {
  id: 'authn-store',
  tables: ['authn_transactions'],
  memory: () => createMemoryStores(),
  fromSql: (database) => createSqlStores(database),
  withoutReturning: true,
});
