import { ConflictError } from '../../core/errors.js';
import type { Factor } from '../../core/factors/factor.js';
import type { FactorStore } from '../../core/factors/factor-store.js';
import { copy, jsonCopy, requireUser, type MemoryState } from './memory-state.js';

export function createMemoryFactorStore(state: MemoryState): FactorStore {
  return {
    async createFactor(input, options = {}) {
      if (state.factors.has(input.id)) throw new ConflictError('factor_id');
      requireUser(state, input.userId);
      const factor: Factor = { ...copy(input), profile: jsonCopy(input.profile) };
      state.factors.set(factor.id, factor);
      state.factorSecrets.set(factor.id, { sealedSecret: options.sealedSecret ?? null, lastTotpStep: null });
      return copy(factor);
    },

    async findFactor(factorId) {
      const factor = state.factors.get(factorId);
      return factor === undefined ? null : copy(factor);
    },

    // Oldest first; the Map's insertion order survives the stable sort as the tie-break, like seq in SQL.
    async listFactors(userId) {
      return [...state.factors.values()]
        .filter((f) => f.userId === userId)
        .sort((a, b) => a.created.getTime() - b.created.getTime())
        .map(copy);
    },

    async activateFactor(factorId, now) {
      const factor = state.factors.get(factorId);
      if (factor === undefined || factor.status !== 'PENDING_ACTIVATION') return false;
      factor.status = 'ACTIVE';
      factor.lastUpdated = copy(now);
      return true;
    },

    async deleteFactor(factorId) {
      for (const [slot, id] of state.otpSlots) {
        if (state.otps.get(id)?.factorId === factorId) {
          state.otps.delete(id);
          state.otpSlots.delete(slot);
        }
      }
      for (const [id, tx] of state.pushTransactions) if (tx.factorId === factorId) state.pushTransactions.delete(id);
      state.factorSecrets.delete(factorId);
      return state.factors.delete(factorId);
    },

    async findFactorSecret(factorId) {
      return state.factorSecrets.get(factorId)?.sealedSecret ?? null;
    },

    async advanceTotpStep(factorId, step) {
      const entry = state.factorSecrets.get(factorId);
      if (entry === undefined || !state.factors.has(factorId)) return false;
      if (entry.lastTotpStep !== null && !(entry.lastTotpStep < step)) return false;
      entry.lastTotpStep = step;
      return true;
    },
  };
}
