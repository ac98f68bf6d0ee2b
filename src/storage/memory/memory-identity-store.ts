import { ConflictError } from '../../core/errors.js';
import type { IdentityStore } from '../../core/identity/identity-store.js';
import { normalizeLogin, type User } from '../../core/identity/user.js';
import { matchesUser } from '../../core/identity/user-query.js';
import { copy, jsonCopy, type MemoryState } from './memory-state.js';

export function createMemoryIdentityStore(state: MemoryState): IdentityStore {
  const update = (userId: string, change: (user: User) => void): void => {
    const user = state.users.get(userId);
    if (user !== undefined) change(user);
  };

  return {
    async createUser(input) {
      const login = normalizeLogin(input.profile.login);
      if (state.users.has(input.id)) throw new ConflictError('user_id');
      if (state.logins.has(login)) throw new ConflictError('login');
      const user: User = {
        id: input.id,
        status: input.status,
        created: copy(input.now),
        // Same stamps as the SQL store: activated only for a user created ACTIVE; no status change yet.
        activated: input.status === 'ACTIVE' ? copy(input.now) : null,
        statusChanged: null,
        lastLogin: null,
        lastUpdated: copy(input.now),
        passwordChanged: input.passwordHash === null ? null : copy(input.now),
        profile: jsonCopy(input.profile),
        passwordHash: input.passwordHash,
        failedLogins: 0,
      };
      state.users.set(user.id, user);
      state.logins.set(login, user.id);
      return copy(user);
    },

    async findUserById(id) {
      const user = state.users.get(id);
      return user === undefined ? null : copy(user);
    },

    async findUserByLogin(login) {
      const id = state.logins.get(normalizeLogin(login));
      const user = id === undefined ? undefined : state.users.get(id);
      return user === undefined ? null : copy(user);
    },

    async recordLoginSuccess(userId, now) {
      update(userId, (user) => {
        user.failedLogins = 0;
        user.lastLogin = copy(now);
      });
    },

    async recordLoginFailure(userId) {
      const user = state.users.get(userId);
      if (user === undefined) return 0;
      user.failedLogins += 1;
      return user.failedLogins;
    },

    async setUserStatus(userId, status, now) {
      update(userId, (user) => {
        user.status = status;
        user.statusChanged = copy(now);
        user.lastUpdated = copy(now);
      });
    },

    async unlockUser(userId, now) {
      let unlocked = false;
      update(userId, (user) => {
        if (user.status !== 'LOCKED_OUT') return;
        user.status = 'ACTIVE';
        user.failedLogins = 0;
        user.statusChanged = copy(now);
        user.lastUpdated = copy(now);
        unlocked = true;
      });
      return unlocked;
    },

    async changePassword(userId, passwordHash, now) {
      update(userId, (user) => {
        user.passwordHash = passwordHash;
        user.passwordChanged = copy(now);
        user.failedLogins = 0;
        user.lastUpdated = copy(now);
        if (user.status === 'PASSWORD_EXPIRED') {
          user.status = 'ACTIVE';
          user.statusChanged = copy(now);
        }
      });
    },

    async updatePasswordHash(userId, passwordHash, now) {
      update(userId, (user) => {
        user.passwordHash = passwordHash;
        user.lastUpdated = copy(now);
      });
    },

    async deleteUser(userId) {
      const user = state.users.get(userId);
      if (user === undefined) return false;
      for (const [id, factor] of state.factors) if (factor.userId === userId) state.factors.delete(id);
      for (const [id, tx] of state.pushTransactions) if (tx.userId === userId) state.pushTransactions.delete(id);
      for (const [slot, id] of state.otpSlots) {
        if (state.otps.get(id)?.userId === userId) {
          state.otps.delete(id);
          state.otpSlots.delete(slot);
        }
      }
      for (const [hash, session] of state.sessions) if (session.userId === userId) state.sessions.delete(hash);
      for (const [hash, grant] of state.grants) if (grant.userId === userId) state.grants.delete(hash);
      state.logins.delete(normalizeLogin(user.profile.login));
      state.users.delete(userId);
      return true;
    },

    // Ordered by id in code-unit order, as both SQL engines sort these ASCII ids.
    async listUsers({ prefix, where, after, limit }) {
      const count = Math.floor(limit);
      if (!(count > 0)) return [];
      const wanted = prefix?.toLowerCase();
      return [...state.users.values()]
        .filter((u) => after === undefined || u.id > after)
        .filter(
          (u) =>
            wanted === undefined ||
            [u.profile.firstName, u.profile.lastName, u.profile.email, u.profile.login].some((v) => v.toLowerCase().startsWith(wanted)),
        )
        .filter((u) => where === undefined || matchesUser(where, u))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, count)
        .map(copy);
    },

    async updateProfile(userId, profile, now) {
      const user = state.users.get(userId);
      if (user === undefined) return null;
      const before = normalizeLogin(user.profile.login);
      const after = normalizeLogin(profile.login);
      if (after !== before) {
        if (state.logins.has(after)) throw new ConflictError('login');
        state.logins.delete(before);
        state.logins.set(after, userId);
      }
      user.profile = jsonCopy(profile);
      user.lastUpdated = copy(now);
      return copy(user);
    },

    async transitionUserStatus(userId, from, to, now, options = {}) {
      const user = state.users.get(userId);
      if (user === undefined || !from.includes(user.status)) return false;
      user.status = to;
      user.statusChanged = copy(now);
      user.lastUpdated = copy(now);
      if (options.stampActivated === true) user.activated = copy(now);
      return true;
    },
  };
}
