import type { Stores } from '../../core/stores.js';
import { createMemoryApiTokenStore } from './memory-api-token-store.js';
import { createMemoryAuthnStore } from './memory-authn-store.js';
import { MemoryEventStore } from './memory-event-store.js';
import { createMemoryFactorStore } from './memory-factor-store.js';
import { createMemoryGrantStore } from './memory-grant-store.js';
import { createMemoryIdentityStore } from './memory-identity-store.js';
import { createMemoryMailboxStore } from './memory-mailbox-store.js';
import { createMemoryOtpStore } from './memory-otp-store.js';
import { createMemoryPushTransactionStore } from './memory-push-transaction-store.js';
import { createMemorySessionStore } from './memory-session-store.js';
import { createMemoryState } from './memory-state.js';

/**
 * The reference implementation of every port, for tests and development: the same semantics as
 * the SQL stores (one contract suite runs on both), nothing survives the process.
 */
export function createMemoryStores(): Stores {
  const state = createMemoryState();
  return {
    identity: createMemoryIdentityStore(state),
    factors: createMemoryFactorStore(state),
    otps: createMemoryOtpStore(state),
    sessions: createMemorySessionStore(state),
    grants: createMemoryGrantStore(state),
    mailbox: createMemoryMailboxStore(state),
    pushTransactions: createMemoryPushTransactionStore(state),
    apiTokens: createMemoryApiTokenStore(),
    events: new MemoryEventStore(),
    authn: createMemoryAuthnStore(state),
  };
}
