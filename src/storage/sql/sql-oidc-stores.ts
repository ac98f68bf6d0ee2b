import type { Kysely, Selectable } from 'kysely';
import type { ClientStore } from '../../core/oidc/client-store.js';
import type { KeyStore } from '../../core/oidc/key-store.js';
import type { OAuthClient, OAuthGrantType, OAuthResponseType, TokenEndpointAuthMethod } from '../../core/oidc/oauth-client.js';
import type { OAuthGrantStore } from '../../core/oidc/oauth-grant-store.js';
import type { AuthorizationCode, IssuedToken, IssuedTokenKind } from '../../core/oidc/oauth-grant.js';
import type { OidcStores } from '../../core/oidc/oidc-stores.js';
import type { SigningKey } from '../../core/oidc/signing-key.js';
import { affected, fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from './codec.js';
import type { SqlDatabase } from './database.js';
import { translatingErrors } from './errors.js';
import type { OauthClientsTable, OauthCodesTable, OauthKeysTable, OauthTokensTable } from './oidc-schema.js';
import type { DatabaseSchema } from './schema.js';

const json = (value: unknown): string => JSON.stringify(value);
const parseList = (text: string): string[] => JSON.parse(text) as string[];

/** The OIDC provider's ports on one SQL database (SQLite or PostgreSQL); call database.migrate() first. */
export function createSqlOidcStores(database: SqlDatabase): OidcStores {
  const { db } = database;
  return { keys: keyStore(db), clients: clientStore(db), grants: grantStore(db) };
}

function keyStore(db: Kysely<DatabaseSchema>): KeyStore {
  return {
    addKey: (key) =>
      translatingErrors(async () => {
        await db.insertInto('oauth_keys').values(keyRow(key)).execute();
      }),
    async listKeys() {
      const rows = await db.selectFrom('oauth_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
      return rows.map(keyFromRow);
    },
    async retireKeysExcept(kid, now, removeAt) {
      return affected(
        await db
          .updateTable('oauth_keys')
          .set({ retired_at: toMillis(now), remove_at: toMillis(removeAt) })
          .where('kid', '!=', kid)
          .where('retired_at', 'is', null)
          .executeTakeFirst(),
      );
    },
    async deleteRemovedKeys(now) {
      return affected(
        await db.deleteFrom('oauth_keys').where('remove_at', 'is not', null).where('remove_at', '<=', toMillis(now)).executeTakeFirst(),
      );
    },
  };
}

function clientStore(db: Kysely<DatabaseSchema>): ClientStore {
  return {
    createClient: (client) =>
      translatingErrors(async () => {
        await db.insertInto('oauth_clients').values(clientRow(client)).execute();
      }),
    async findClient(clientId) {
      const row = await db.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      return row === undefined ? null : clientFromRow(row);
    },
    async listClients() {
      const rows = await db.selectFrom('oauth_clients').selectAll().orderBy('created_at').orderBy('client_id').execute();
      return rows.map(clientFromRow);
    },
    async deleteClient(clientId) {
      return affected(await db.deleteFrom('oauth_clients').where('client_id', '=', clientId).executeTakeFirst()) > 0;
    },
  };
}

function grantStore(db: Kysely<DatabaseSchema>): OAuthGrantStore {
  const findCode = async (codeHash: string) => {
    const row = await db.selectFrom('oauth_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
    return row === undefined ? null : codeFromRow(row);
  };
  const findToken = async (tokenHash: string) => {
    const row = await db.selectFrom('oauth_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row === undefined ? null : tokenFromRow(row);
  };
  return {
    createCode: (code) =>
      translatingErrors(async () => {
        await db.insertInto('oauth_codes').values(codeRow(code)).execute();
      }),

    // The conditional UPDATE decides: the database lets exactly one caller flip consumed_at.
    async consumeCode(codeHash, now) {
      const taken = affected(
        await db
          .updateTable('oauth_codes')
          .set({ consumed_at: toMillis(now) })
          .where('code_hash', '=', codeHash)
          .where('consumed_at', 'is', null)
          .where('expires_at', '>', toMillis(now))
          .executeTakeFirst(),
      );
      const code = await findCode(codeHash);
      if (code === null) return { kind: 'invalid' };
      if (taken > 0) return { kind: 'consumed', code };
      return code.consumedAt !== null ? { kind: 'replayed', code } : { kind: 'invalid' };
    },

    saveToken: (token) =>
      translatingErrors(async () => {
        await db.insertInto('oauth_tokens').values(tokenRow(token)).execute();
      }),

    findToken,

    async rotateRefreshToken(tokenHash, now) {
      const taken = affected(
        await db
          .updateTable('oauth_tokens')
          .set({ rotated_at: toMillis(now) })
          .where('token_hash', '=', tokenHash)
          .where('kind', '=', 'refresh')
          .where('rotated_at', 'is', null)
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', toMillis(now))
          .executeTakeFirst(),
      );
      const token = await findToken(tokenHash);
      if (token === null || token.kind !== 'refresh') return { kind: 'invalid' };
      if (taken > 0) return { kind: 'rotated', token };
      return token.rotatedAt !== null ? { kind: 'reused', token } : { kind: 'invalid' };
    },

    async revokeToken(tokenHash, now) {
      return (
        affected(
          await db.updateTable('oauth_tokens').set({ revoked_at: toMillis(now) }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst(),
        ) > 0
      );
    },

    async revokeGrant(grantId, now) {
      return affected(
        await db.updateTable('oauth_tokens').set({ revoked_at: toMillis(now) }).where('grant_id', '=', grantId).where('revoked_at', 'is', null).executeTakeFirst(),
      );
    },

    async deleteExpired(now) {
      const codes = affected(await db.deleteFrom('oauth_codes').where('expires_at', '<=', toMillis(now)).executeTakeFirst());
      const tokens = affected(await db.deleteFrom('oauth_tokens').where('expires_at', '<=', toMillis(now)).executeTakeFirst());
      return codes + tokens;
    },
  };
}

function keyRow(key: SigningKey): OauthKeysTable {
  return {
    kid: key.kid,
    public_jwk: json(key.publicJwk),
    private_key_ciphertext: key.privateKeyCiphertext,
    created_at: toMillis(key.createdAt),
    retired_at: toMillisOrNull(key.retiredAt),
    remove_at: toMillisOrNull(key.removeAt),
  };
}

function keyFromRow(row: Selectable<OauthKeysTable>): SigningKey {
  return {
    kid: row.kid,
    publicJwk: JSON.parse(row.public_jwk) as SigningKey['publicJwk'],
    privateKeyCiphertext: row.private_key_ciphertext,
    createdAt: fromMillis(row.created_at),
    retiredAt: fromMillisOrNull(row.retired_at),
    removeAt: fromMillisOrNull(row.remove_at),
  };
}

function clientRow(client: OAuthClient): OauthClientsTable {
  return {
    client_id: client.clientId,
    client_name: client.clientName,
    secret_hash: client.secretHash,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    redirect_uris: json(client.redirectUris),
    post_logout_redirect_uris: json(client.postLogoutRedirectUris),
    grant_types: json(client.grantTypes),
    response_types: json(client.responseTypes),
    created_at: toMillis(client.createdAt),
  };
}

function clientFromRow(row: Selectable<OauthClientsTable>): OAuthClient {
  return {
    clientId: row.client_id,
    clientName: row.client_name,
    secretHash: row.secret_hash,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method as TokenEndpointAuthMethod,
    redirectUris: parseList(row.redirect_uris),
    postLogoutRedirectUris: parseList(row.post_logout_redirect_uris),
    grantTypes: parseList(row.grant_types) as OAuthGrantType[],
    responseTypes: parseList(row.response_types) as OAuthResponseType[],
    createdAt: fromMillis(row.created_at),
  };
}

function codeRow(code: AuthorizationCode): OauthCodesTable {
  return {
    code_hash: code.codeHash,
    grant_id: code.grantId,
    server_id: code.serverId,
    client_id: code.clientId,
    user_id: code.userId,
    redirect_uri: code.redirectUri,
    scopes: json(code.scopes),
    nonce: code.nonce,
    code_challenge: code.codeChallenge,
    session_hash: code.sessionHash,
    auth_time: toMillis(code.authTime),
    amr: json(code.amr),
    created_at: toMillis(code.createdAt),
    expires_at: toMillis(code.expiresAt),
    consumed_at: toMillisOrNull(code.consumedAt),
  };
}

function codeFromRow(row: Selectable<OauthCodesTable>): AuthorizationCode {
  return {
    codeHash: row.code_hash,
    grantId: row.grant_id,
    serverId: row.server_id,
    clientId: row.client_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    scopes: parseList(row.scopes),
    nonce: row.nonce,
    codeChallenge: row.code_challenge,
    sessionHash: row.session_hash,
    authTime: fromMillis(row.auth_time),
    amr: parseList(row.amr),
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
    consumedAt: fromMillisOrNull(row.consumed_at),
  };
}

function tokenRow(token: IssuedToken): OauthTokensTable {
  return {
    token_hash: token.tokenHash,
    kind: token.kind,
    grant_id: token.grantId,
    server_id: token.serverId,
    client_id: token.clientId,
    user_id: token.userId,
    scopes: json(token.scopes),
    auth_time: toMillisOrNull(token.authTime),
    amr: json(token.amr),
    created_at: toMillis(token.createdAt),
    expires_at: toMillis(token.expiresAt),
    revoked_at: toMillisOrNull(token.revokedAt),
    rotated_at: toMillisOrNull(token.rotatedAt),
  };
}

function tokenFromRow(row: Selectable<OauthTokensTable>): IssuedToken {
  return {
    tokenHash: row.token_hash,
    kind: row.kind as IssuedTokenKind,
    grantId: row.grant_id,
    serverId: row.server_id,
    clientId: row.client_id,
    userId: row.user_id,
    scopes: parseList(row.scopes),
    authTime: fromMillisOrNull(row.auth_time),
    amr: parseList(row.amr),
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
    revokedAt: fromMillisOrNull(row.revoked_at),
    rotatedAt: fromMillisOrNull(row.rotated_at),
  };
}
