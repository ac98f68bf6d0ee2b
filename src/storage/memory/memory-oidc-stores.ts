import { ConflictError } from '../../core/errors.js';
import type { OAuthClient } from '../../core/oidc/oauth-client.js';
import type { AuthorizationCode, IssuedToken } from '../../core/oidc/oauth-grant.js';
import type { OidcStores } from '../../core/oidc/oidc-stores.js';
import type { SigningKey } from '../../core/oidc/signing-key.js';
import { copy, deleteWhere } from './memory-state.js';

/**
 * The reference implementation of the OIDC provider's ports: the same semantics as the SQL stores
 * (one contract suite runs on both). Each verb runs synchronously between awaits, hence atomically.
 */
export function createMemoryOidcStores(): OidcStores {
  const keys = new Map<string, SigningKey>();
  const clients = new Map<string, OAuthClient>();
  const codes = new Map<string, AuthorizationCode>();
  const tokens = new Map<string, IssuedToken>();
  const byAge = <T extends { createdAt: Date }>(a: T, b: T, ka: string, kb: string) =>
    a.createdAt.getTime() - b.createdAt.getTime() || (ka < kb ? -1 : ka > kb ? 1 : 0);

  return {
    keys: {
      async addKey(key) {
        if (keys.has(key.kid)) throw new ConflictError('signing_key');
        keys.set(key.kid, copy(key));
      },
      async listKeys() {
        return [...keys.values()].sort((a, b) => byAge(a, b, a.kid, b.kid)).map(copy);
      },
      async retireKeysExcept(kid, now, removeAt) {
        let retired = 0;
        for (const key of keys.values()) {
          if (key.kid !== kid && key.retiredAt === null) {
            key.retiredAt = now;
            key.removeAt = removeAt;
            retired += 1;
          }
        }
        return retired;
      },
      async deleteRemovedKeys(now) {
        return deleteWhere(keys, (k) => k.removeAt !== null && k.removeAt <= now);
      },
    },
    clients: {
      async createClient(client) {
        if (clients.has(client.clientId)) throw new ConflictError('client_id');
        clients.set(client.clientId, copy(client));
      },
      async findClient(clientId) {
        const client = clients.get(clientId);
        return client === undefined ? null : copy(client);
      },
      async listClients() {
        return [...clients.values()].sort((a, b) => byAge(a, b, a.clientId, b.clientId)).map(copy);
      },
      async deleteClient(clientId) {
        return clients.delete(clientId);
      },
    },
    grants: {
      async createCode(code) {
        if (codes.has(code.codeHash)) throw new ConflictError('authorization_code');
        codes.set(code.codeHash, copy(code));
      },
      async consumeCode(codeHash, now) {
        const code = codes.get(codeHash);
        if (code === undefined) return { kind: 'invalid' };
        if (code.consumedAt !== null) return { kind: 'replayed', code: copy(code) };
        if (!(now < code.expiresAt)) return { kind: 'invalid' };
        code.consumedAt = now;
        return { kind: 'consumed', code: copy(code) };
      },
      async saveToken(token) {
        if (tokens.has(token.tokenHash)) throw new ConflictError('token');
        tokens.set(token.tokenHash, copy(token));
      },
      async findToken(tokenHash) {
        const token = tokens.get(tokenHash);
        return token === undefined ? null : copy(token);
      },
      async rotateRefreshToken(tokenHash, now) {
        const token = tokens.get(tokenHash);
        if (token === undefined || token.kind !== 'refresh') return { kind: 'invalid' };
        if (token.revokedAt === null && token.rotatedAt === null && now < token.expiresAt) {
          token.rotatedAt = now;
          return { kind: 'rotated', token: copy(token) };
        }
        return token.rotatedAt !== null ? { kind: 'reused', token: copy(token) } : { kind: 'invalid' };
      },
      async revokeToken(tokenHash, now) {
        const token = tokens.get(tokenHash);
        if (token === undefined || token.revokedAt !== null) return false;
        token.revokedAt = now;
        return true;
      },
      async revokeGrant(grantId, now) {
        let revoked = 0;
        for (const token of tokens.values()) {
          if (token.grantId === grantId && token.revokedAt === null) {
            token.revokedAt = now;
            revoked += 1;
          }
        }
        return revoked;
      },
      async deleteExpired(now) {
        return deleteWhere(codes, (c) => c.expiresAt <= now) + deleteWhere(tokens, (t) => t.expiresAt <= now);
      },
    },
  };
}
