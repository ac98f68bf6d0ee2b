import type { Kysely, Selectable } from 'kysely';
import type { GrantCode } from '../../core/sso/grant.js';
import type { GrantStore } from '../../core/sso/grant-store.js';
import type { SqlCapabilities } from './capabilities.js';
import { affected, fromMillis, toMillis } from './codec.js';
import { translatingErrors } from './errors.js';
import type { DatabaseSchema, GrantsTable } from './schema.js';

export function createSqlGrantStore(db: Kysely<DatabaseSchema>, capabilities: SqlCapabilities): GrantStore {
  return {
    createGrant: (grant) =>
      translatingErrors(async () => {
        await db.insertInto('grants').values(grantRow(grant)).execute();
      }),

    // Consuming deletes the row, conditionally on it being unexpired: of concurrent callers the
    // database lets exactly one DELETE match, and only that one gets the grant.
    async consumeGrant(codeHash, now) {
      const take = (executor: Kysely<DatabaseSchema>) =>
        executor.deleteFrom('grants').where('code_hash', '=', codeHash).where('expires_at', '>', toMillis(now));
      if (capabilities.returning) {
        const row = await take(db).returningAll().executeTakeFirst();
        return row === undefined ? null : grantFromRow(row);
      }
      return db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom('grants').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
        if (row === undefined) return null;
        const result = await take(tx).executeTakeFirst();
        return result.numDeletedRows > 0n ? grantFromRow(row) : null;
      });
    },

    // Unusable once now reaches expiresAt (consumeGrant needs now < expiresAt), so those go.
    async deleteExpiredGrants(now) {
      return affected(await db.deleteFrom('grants').where('expires_at', '<=', toMillis(now)).executeTakeFirst());
    },
  };
}

function grantRow(grant: GrantCode): GrantsTable {
  return {
    code_hash: grant.codeHash,
    user_id: grant.userId,
    session_hash: grant.sessionHash,
    created_at: toMillis(grant.createdAt),
    expires_at: toMillis(grant.expiresAt),
  };
}

function grantFromRow(row: Selectable<GrantsTable>): GrantCode {
  return {
    codeHash: row.code_hash,
    userId: row.user_id,
    sessionHash: row.session_hash,
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
  };
}
