import type { ApiToken } from '../../core/apitokens/api-token.js';
import type { ApiTokenStore } from '../../core/apitokens/api-token-store.js';
import { ConflictError } from '../../core/errors.js';
import { copy } from './memory-state.js';

/** Reference ApiTokenStore: the same semantics as the SQL one (one contract suite runs on both). */
export function createMemoryApiTokenStore(): ApiTokenStore {
  const tokens = new Map<string, ApiToken>();
  return {
    async createApiToken(token) {
      if (tokens.has(token.id) || [...tokens.values()].some((t) => t.tokenHash === token.tokenHash)) {
        throw new ConflictError('api_token');
      }
      tokens.set(token.id, copy(token));
    },

    async findApiTokenByHash(tokenHash) {
      const token = [...tokens.values()].find((t) => t.tokenHash === tokenHash);
      return token === undefined ? null : copy(token);
    },

    async listApiTokens() {
      return [...tokens.values()]
        .sort((a, b) => a.created.getTime() - b.created.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(copy);
    },

    async revokeApiToken(id, now) {
      const token = tokens.get(id);
      if (token === undefined || token.revoked !== null) return false;
      token.revoked = copy(now);
      return true;
    },

    async touchApiToken(id, now) {
      const token = tokens.get(id);
      if (token !== undefined && (token.lastUsed === null || token.lastUsed < now)) token.lastUsed = copy(now);
    },
  };
}
