import type { Kysely, Selectable } from 'kysely';
import type { ApiToken } from '../../core/apitokens/api-token.js';
import type { ApiTokenStore } from '../../core/apitokens/api-token-store.js';
import { fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from './codec.js';
import { translatingErrors } from './errors.js';
import type { ApiTokensTable, DatabaseSchema } from './schema.js';

export function createSqlApiTokenStore(db: Kysely<DatabaseSchema>): ApiTokenStore {
  return {
    createApiToken: (token) =>
      translatingErrors(async () => {
        await db.insertInto('api_tokens').values(apiTokenRow(token)).execute();
      }),

    async findApiTokenByHash(tokenHash) {
      const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row === undefined ? null : apiTokenFromRow(row);
    },

    async listApiTokens() {
      const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created').orderBy('id').execute();
      return rows.map(apiTokenFromRow);
    },

    // Conditional on `revoked is null`: of concurrent revocations exactly one matches.
    async revokeApiToken(id, now) {
      const result = await db
        .updateTable('api_tokens')
        .set({ revoked: toMillis(now) })
        .where('id', '=', id)
        .where('revoked', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async touchApiToken(id, now) {
      const at = toMillis(now);
      await db
        .updateTable('api_tokens')
        .set({ last_used: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used', 'is', null), eb('last_used', '<', at)]))
        .execute();
    },
  };
}

function apiTokenRow(token: ApiToken): ApiTokensTable {
  return {
    id: token.id,
    name: token.name,
    token_hash: token.tokenHash,
    created: toMillis(token.created),
    last_used: toMillisOrNull(token.lastUsed),
    revoked: toMillisOrNull(token.revoked),
  };
}

function apiTokenFromRow(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    name: row.name,
    tokenHash: row.token_hash,
    created: fromMillis(row.created),
    lastUsed: fromMillisOrNull(row.last_used),
    revoked: fromMillisOrNull(row.revoked),
  };
}
