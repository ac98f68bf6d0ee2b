import type { Kysely, Selectable } from 'kysely';
import type { Session } from '../../core/session/session.js';
import type { SessionStore } from '../../core/session/session-store.js';
import { affected, fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from './codec.js';
import { translatingErrors } from './errors.js';
import type { DatabaseSchema, SessionsTable } from './schema.js';

export function createSqlSessionStore(db: Kysely<DatabaseSchema>): SessionStore {
  return {
    createSession: (session) =>
      translatingErrors(async () => {
        await db.insertInto('sessions').values(sessionRow(session)).execute();
      }),

    async findSession(tokenHash) {
      const row = await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row === undefined ? null : sessionFromRow(row);
    },

    // The comparison in the WHERE clause keeps a late, slower request from moving the expiry back.
    async touchSession(tokenHash, idleExpiresAt) {
      const at = toMillis(idleExpiresAt);
      await db
        .updateTable('sessions')
        .set({ idle_expires_at: at })
        .where('token_hash', '=', tokenHash)
        .where('idle_expires_at', '<', at)
        .execute();
    },

    async completeMfa(tokenHash, userId, now, amr) {
      const result = await db
        .updateTable('sessions')
        .set({ status: 'ACTIVE', last_factor_verification: toMillis(now), amr: JSON.stringify(amr) })
        .where('token_hash', '=', tokenHash)
        .where('user_id', '=', userId)
        .where('status', '=', 'MFA_REQUIRED')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async completeMfaForUser(userId, createdAtOrBefore, now, amr) {
      const result = await db
        .updateTable('sessions')
        .set({ status: 'ACTIVE', last_factor_verification: toMillis(now), amr: JSON.stringify(amr) })
        .where('user_id', '=', userId)
        .where('status', '=', 'MFA_REQUIRED')
        .where('created_at', '<=', toMillis(createdAtOrBefore))
        .executeTakeFirst();
      return affected(result);
    },

    async deleteSession(tokenHash) {
      const result = await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async deleteSessionsForUser(userId) {
      return affected(await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst());
    },

    // Expired means no longer live (isSessionLive): the earlier of both expiries is at or before now.
    async deleteExpiredSessions(now) {
      const at = toMillis(now);
      const result = await db
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('idle_expires_at', '<=', at), eb('absolute_expires_at', '<=', at)]))
        .executeTakeFirst();
      return affected(result);
    },
  };
}

function sessionRow(session: Session): SessionsTable {
  return {
    token_hash: session.tokenHash,
    user_id: session.userId,
    login: session.login,
    status: session.status,
    created_at: toMillis(session.createdAt),
    absolute_expires_at: toMillis(session.absoluteExpiresAt),
    idle_expires_at: toMillis(session.idleExpiresAt),
    last_password_verification: toMillisOrNull(session.lastPasswordVerification),
    last_factor_verification: toMillisOrNull(session.lastFactorVerification),
    amr: JSON.stringify(session.amr),
  };
}

function sessionFromRow(row: Selectable<SessionsTable>): Session {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    login: row.login,
    status: row.status,
    createdAt: fromMillis(row.created_at),
    absoluteExpiresAt: fromMillis(row.absolute_expires_at),
    idleExpiresAt: fromMillis(row.idle_expires_at),
    lastPasswordVerification: fromMillisOrNull(row.last_password_verification),
    lastFactorVerification: fromMillisOrNull(row.last_factor_verification),
    amr: JSON.parse(row.amr) as string[],
  };
}
