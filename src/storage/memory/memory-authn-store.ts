import { ConflictError } from '../../core/errors.js';
import type { AuthnFlow } from '../../core/flows/authn/authn-flow.js';
import type { AuthnTransactionStore } from '../../core/flows/authn/authn-store.js';
import { copy, deleteWhere, requireUser, type MemoryState } from './memory-state.js';

/**
 * Authn transactions in memory. The map is the store's own; a transaction whose user is gone is
 * treated as deleted (the SQL foreign key cascades), so deleteUser needs no knowledge of it.
 */
export function createMemoryAuthnStore(state: MemoryState): AuthnTransactionStore {
  const flows = new Map<string, AuthnFlow>();
  const live = (flow: AuthnFlow | undefined): AuthnFlow | undefined => {
    if (flow === undefined) return undefined;
    if (!state.users.has(flow.userId)) {
      flows.delete(flow.id);
      return undefined;
    }
    return flow;
  };
  const byStateToken = (hash: string): AuthnFlow | undefined =>
    live([...flows.values()].find((f) => f.stateTokenHash === hash));
  const expiry = (flow: AuthnFlow): Date => (flow.state === 'SUCCESS' ? flow.sessionTokenExpiresAt : flow.expiresAt);

  return {
    async createTransaction(flow) {
      requireUser(state, flow.userId);
      if (flows.has(flow.id) || byStateToken(flow.stateTokenHash) !== undefined) throw new ConflictError('authn_transaction');
      flows.set(flow.id, copy(flow));
    },

    async findByStateToken(stateTokenHash) {
      const flow = byStateToken(stateTokenHash);
      return flow === undefined ? null : copy(flow);
    },

    async updateTransaction(flow, expectedVersion) {
      const current = live(flows.get(flow.id));
      if (current === undefined || current.version !== expectedVersion) return false;
      flows.set(flow.id, copy(flow));
      return true;
    },

    async deleteTransaction(id) {
      return live(flows.get(id)) !== undefined && flows.delete(id);
    },

    async consumeSessionToken(sessionTokenHash, now) {
      const flow = live([...flows.values()].find((f) => f.state === 'SUCCESS' && f.sessionTokenHash === sessionTokenHash));
      if (flow === undefined) return null;
      flows.delete(flow.id);
      return expiry(flow) > now ? copy(flow) : null;
    },

    async deleteExpiredTransactions(now) {
      return deleteWhere(flows, (f) => expiry(f) <= now);
    },
  };
}
