import { sql, type Selectable } from 'kysely';
import type { SessionStatus } from '../../../core/session/session.js';
import type { UpstreamSession, UpstreamSessionStore } from '../../../core/provider/upstream-session-store.js';
import type { GrantCode } from '../../../core/sso/grant.js';
import type { GrantStore } from '../../../core/sso/grant-store.js';
import type { SqlDatabase } from '../database.js';
import { affected, fromMillis, fromMillisOrNull, toMillis } from '../codec.js';
import { translatingErrors } from '../errors.js';

/** Okta mode's own tables: no foreign keys, because its users live in the Okta org. */
type OktaSessionsTable = {
  session_hash: string;
  user_id: string;
  status: SessionStatus;
  created_at: number;
  expires_at: number;
  factor_verified_at: number | null;
};
type OktaChallengesTable = {
  user_id: string;
  sent_at: number;
};
type OktaGrantsTable = {
  code_hash: string;
  user_id: string;
  session_hash: string;
  created_at: number;
  expires_at: number;
};
type OktaModeSchema = {
  okta_sessions: OktaSessionsTable;
  okta_challenges: OktaChallengesTable;
  okta_grants: OktaGrantsTable;
};

/**
 * Creates Okta mode's tables when missing. They exist only in databases that ran in Okta mode:
 * idempotent DDL at start instead of a migration, so embedded databases carry no empty tables.
 */
export async function ensureOktaModeSchema(database: SqlDatabase): Promise<void> {
  const db = database.db.withTables<OktaModeSchema>();
  await db.schema
    .createTable('okta_sessions')
    .ifNotExists()
    .addColumn('session_hash', 'text', (c) => c.notNull().primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('factor_verified_at', 'bigint')
    .execute();
  await db.schema.createIndex('okta_sessions_user_id_idx').ifNotExists().on('okta_sessions').columns(['user_id', 'created_at']).execute();
  await db.schema
    .createTable('okta_challenges')
    .ifNotExists()
    .addColumn('user_id', 'text', (c) => c.notNull().primaryKey())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('okta_grants')
    .ifNotExists()
    .addColumn('code_hash', 'text', (c) => c.notNull().primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('session_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}

const sessionFromRow = (row: Selectable<OktaSessionsTable>): UpstreamSession => ({
  sessionHash: row.session_hash,
  userId: row.user_id,
  status: row.status,
  createdAt: fromMillis(row.created_at),
  expiresAt: fromMillis(row.expires_at),
  factorVerifiedAt: fromMillisOrNull(row.factor_verified_at),
});

export function createSqlUpstreamSessionStore(database: SqlDatabase): UpstreamSessionStore {
  const db = database.db.withTables<OktaModeSchema>();
  return {
    createSession: (s) =>
      translatingErrors(async () => {
        await db
          .insertInto('okta_sessions')
          .values({
            session_hash: s.sessionHash,
            user_id: s.userId,
            status: s.status,
            created_at: toMillis(s.createdAt),
            expires_at: toMillis(s.expiresAt),
            factor_verified_at: s.factorVerifiedAt === null ? null : toMillis(s.factorVerifiedAt),
          })
          .execute();
      }),
    async findSession(sessionHash) {
      const row = await db.selectFrom('okta_sessions').selectAll().where('session_hash', '=', sessionHash).executeTakeFirst();
      return row === undefined ? null : sessionFromRow(row);
    },
    async touchSession(sessionHash, expiresAt) {
      await db.updateTable('okta_sessions').set({ expires_at: toMillis(expiresAt) }).where('session_hash', '=', sessionHash).execute();
    },
    async completeMfa(sessionHash, userId, now) {
      const result = await db
        .updateTable('okta_sessions')
        .set({ status: 'ACTIVE', factor_verified_at: toMillis(now) })
        .where('session_hash', '=', sessionHash)
        .where('user_id', '=', userId)
        .where('status', '=', 'MFA_REQUIRED')
        .where('expires_at', '>', toMillis(now))
        .executeTakeFirst();
      return affected(result) > 0;
    },
    async completeMfaForUser(userId, createdAtOrBefore, now) {
      const result = await db
        .updateTable('okta_sessions')
        .set({ status: 'ACTIVE', factor_verified_at: toMillis(now) })
        .where('user_id', '=', userId)
        .where('status', '=', 'MFA_REQUIRED')
        .where('created_at', '<=', toMillis(createdAtOrBefore))
        .where('expires_at', '>', toMillis(now))
        .executeTakeFirst();
      return affected(result);
    },
    async deleteSession(sessionHash) {
      return affected(await db.deleteFrom('okta_sessions').where('session_hash', '=', sessionHash).executeTakeFirst()) > 0;
    },
    async recordChallenge(userId, sentAt) {
      await db
        .insertInto('okta_challenges')
        .values({ user_id: userId, sent_at: toMillis(sentAt) })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ sent_at: sql<number>`excluded.sent_at` }))
        .execute();
    },
    async lastChallenge(userId) {
      const row = await db.selectFrom('okta_challenges').select('sent_at').where('user_id', '=', userId).executeTakeFirst();
      return row === undefined ? null : fromMillis(row.sent_at);
    },
    async deleteExpiredSessions(now) {
      return affected(await db.deleteFrom('okta_sessions').where('expires_at', '<=', toMillis(now)).executeTakeFirst());
    },
  };
}

/** SSO grant codes of Okta mode (the embedded `grants` table references local users). */
export function createSqlOktaGrantStore(database: SqlDatabase): GrantStore {
  const db = database.db.withTables<OktaModeSchema>();
  const fromRow = (row: Selectable<OktaGrantsTable>): GrantCode => ({
    codeHash: row.code_hash,
    userId: row.user_id,
    sessionHash: row.session_hash,
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
  });
  return {
    createGrant: (grant) =>
      translatingErrors(async () => {
        await db
          .insertInto('okta_grants')
          .values({
            code_hash: grant.codeHash,
            user_id: grant.userId,
            session_hash: grant.sessionHash,
            created_at: toMillis(grant.createdAt),
            expires_at: toMillis(grant.expiresAt),
          })
          .execute();
      }),
    // Consumed by a conditional DELETE in a transaction: of concurrent callers exactly one wins.
    async consumeGrant(codeHash, now) {
      return db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom('okta_grants').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
        if (row === undefined) return null;
        const result = await tx
          .deleteFrom('okta_grants')
          .where('code_hash', '=', codeHash)
          .where('expires_at', '>', toMillis(now))
          .executeTakeFirst();
        return result.numDeletedRows > 0n ? fromRow(row) : null;
      });
    },
    async deleteExpiredGrants(now) {
      return affected(await db.deleteFrom('okta_grants').where('expires_at', '<=', toMillis(now)).executeTakeFirst());
    },
  };
}
