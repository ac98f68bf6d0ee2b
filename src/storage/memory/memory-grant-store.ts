import { ConflictError } from '../../core/errors.js';
import type { GrantStore } from '../../core/sso/grant-store.js';
import { copy, deleteWhere, requireUser, type MemoryState } from './memory-state.js';

export function createMemoryGrantStore(state: MemoryState): GrantStore {
  return {
    async createGrant(grant) {
      if (state.grants.has(grant.codeHash)) throw new ConflictError('grant');
      requireUser(state, grant.userId);
      state.grants.set(grant.codeHash, copy(grant));
    },

    // Taking the grant deletes it, as in SQL.
    async consumeGrant(codeHash, now) {
      const grant = state.grants.get(codeHash);
      if (grant === undefined || !(now < grant.expiresAt)) return null;
      state.grants.delete(codeHash);
      return grant;
    },

    async deleteExpiredGrants(now) {
      return deleteWhere(state.grants, (g) => g.expiresAt <= now);
    },
  };
}
