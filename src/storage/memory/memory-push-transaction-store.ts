import { AuthError, ConflictError } from '../../core/errors.js';
import type { PushTransactionStore } from '../../core/factors/push-transaction.js';
import { copy, requireUser, type MemoryState } from './memory-state.js';

export function createMemoryPushTransactionStore(state: MemoryState): PushTransactionStore {
  return {
    async createPushTransaction(tx) {
      if (state.pushTransactions.has(tx.id)) throw new ConflictError('push_transaction');
      for (const existing of state.pushTransactions.values()) {
        if (existing.linkTokenHash === tx.linkTokenHash) throw new ConflictError('push_transaction');
      }
      requireUser(state, tx.userId);
      if (!state.factors.has(tx.factorId)) {
        throw new AuthError('not_found', 'Not found: Resource not found (Factor)', { resource: 'Factor' });
      }
      state.pushTransactions.set(tx.id, copy(tx));
    },

    async findPushTransaction(id) {
      const tx = state.pushTransactions.get(id);
      return tx === undefined ? null : copy(tx);
    },

    async findPushTransactionByLinkHash(linkTokenHash) {
      for (const tx of state.pushTransactions.values()) if (tx.linkTokenHash === linkTokenHash) return copy(tx);
      return null;
    },

    async answerPushTransaction(id, answer, now) {
      const tx = state.pushTransactions.get(id);
      if (tx === undefined || tx.status !== 'WAITING' || !(tx.expiresAt > now)) return false;
      tx.status = answer;
      tx.answeredAt = copy(now);
      return true;
    },

    async consumePushSuccess(id, now) {
      const tx = state.pushTransactions.get(id);
      if (tx === undefined || tx.status !== 'SUCCESS' || tx.consumedAt !== null) return false;
      tx.consumedAt = copy(now);
      return true;
    },
  };
}
