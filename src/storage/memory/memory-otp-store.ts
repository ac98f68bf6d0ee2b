import { ConflictError } from '../../core/errors.js';
import type { OtpStore } from '../../core/otp/otp-store.js';
import { copy, otpSlot, requireUser, type MemoryState } from './memory-state.js';

export function createMemoryOtpStore(state: MemoryState): OtpStore {
  return {
    // One code per (user, factor, purpose), as in SQL: the new code replaces the old one.
    async issue(record) {
      const slot = otpSlot(record.userId, record.factorId, record.purpose);
      const previous = state.otpSlots.get(slot);
      if (state.otps.has(record.id) && previous !== record.id) throw new ConflictError('otp_id');
      requireUser(state, record.userId);
      if (previous !== undefined) state.otps.delete(previous);
      state.otps.set(record.id, copy(record));
      state.otpSlots.set(slot, record.id);
    },

    async findLatest(userId, factorId, purpose) {
      const id = state.otpSlots.get(otpSlot(userId, factorId, purpose));
      const record = id === undefined ? undefined : state.otps.get(id);
      return record === undefined || record.consumedAt !== null ? null : copy(record);
    },

    async registerAttempt(id, maxAttempts) {
      const record = state.otps.get(id);
      if (record === undefined || record.consumedAt !== null || !(record.attempts < maxAttempts)) return null;
      record.attempts += 1;
      return record.attempts;
    },

    async consume(id, now) {
      const record = state.otps.get(id);
      if (record === undefined || record.consumedAt !== null) return false;
      record.consumedAt = copy(now);
      return true;
    },

    async lastIssuedAt(userId, factorId) {
      const times = [...state.otps.values()]
        .filter((r) => r.userId === userId && r.factorId === factorId)
        .map((r) => r.createdAt.getTime());
      return times.length === 0 ? null : new Date(Math.max(...times));
    },

    async revokeAll(userId, factorId, purpose, _now) {
      const slot = otpSlot(userId, factorId, purpose);
      const id = state.otpSlots.get(slot);
      const record = id === undefined ? undefined : state.otps.get(id);
      if (id !== undefined && record !== undefined && record.consumedAt === null) {
        state.otps.delete(id);
        state.otpSlots.delete(slot);
      }
    },
  };
}
