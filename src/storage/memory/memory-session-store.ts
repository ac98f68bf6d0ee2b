import { ConflictError } from '../../core/errors.js';
import type { Session } from '../../core/session/session.js';
import type { SessionStore } from '../../core/session/session-store.js';
import { copy, deleteWhere, jsonCopy, requireUser, type MemoryState } from './memory-state.js';

export function createMemorySessionStore(state: MemoryState): SessionStore {
  const upgrade = (session: Session, now: Date, amr: string[]): void => {
    session.status = 'ACTIVE';
    session.lastFactorVerification = copy(now);
    session.amr = jsonCopy(amr);
  };

  return {
    async createSession(session) {
      if (state.sessions.has(session.tokenHash)) throw new ConflictError('session');
      requireUser(state, session.userId);
      state.sessions.set(session.tokenHash, { ...copy(session), amr: jsonCopy(session.amr) });
    },

    async findSession(tokenHash) {
      const session = state.sessions.get(tokenHash);
      return session === undefined ? null : copy(session);
    },

    async touchSession(tokenHash, idleExpiresAt) {
      const session = state.sessions.get(tokenHash);
      if (session !== undefined && session.idleExpiresAt < idleExpiresAt) session.idleExpiresAt = copy(idleExpiresAt);
    },

    async completeMfa(tokenHash, userId, now, amr) {
      const session = state.sessions.get(tokenHash);
      if (session === undefined || session.userId !== userId || session.status !== 'MFA_REQUIRED') return false;
      upgrade(session, now, amr);
      return true;
    },

    async completeMfaForUser(userId, createdAtOrBefore, now, amr) {
      let upgraded = 0;
      for (const session of state.sessions.values()) {
        if (session.userId === userId && session.status === 'MFA_REQUIRED' && session.createdAt <= createdAtOrBefore) {
          upgrade(session, now, amr);
          upgraded += 1;
        }
      }
      return upgraded;
    },

    async deleteSession(tokenHash) {
      return state.sessions.delete(tokenHash);
    },

    async deleteSessionsForUser(userId) {
      return deleteWhere(state.sessions, (s) => s.userId === userId);
    },

    // Expired means no longer live (isSessionLive): the earlier of both expiries is at or before now.
    async deleteExpiredSessions(now) {
      return deleteWhere(state.sessions, (s) => s.idleExpiresAt <= now || s.absoluteExpiresAt <= now);
    },
  };
}
