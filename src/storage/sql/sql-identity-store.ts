import type { Kysely, Selectable } from 'kysely';
import type { IdentityStore, NewUser } from '../../core/identity/identity-store.js';
import { normalizeLogin, type User, type UserProfile } from '../../core/identity/user.js';
import type { SqlCapabilities } from './capabilities.js';
import { affected, fromMillis, fromMillisOrNull, toMillis } from './codec.js';
import { translatingErrors } from './errors.js';
import { profileField, startsWith, userCondition } from './sql-user-query.js';
import type { DatabaseSchema, UsersTable } from './schema.js';

export function createSqlIdentityStore(db: Kysely<DatabaseSchema>, capabilities: SqlCapabilities): IdentityStore {
  return {
    createUser: (user) =>
      translatingErrors(async () => {
        const row = newUserRow(user);
        await db.insertInto('users').values(row).execute();
        return userFromRow(row);
      }),

    async findUserById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : userFromRow(row);
    },

    async findUserByLogin(login) {
      const row = await db.selectFrom('users').selectAll().where('login', '=', normalizeLogin(login)).executeTakeFirst();
      return row === undefined ? null : userFromRow(row);
    },

    async recordLoginSuccess(userId, now) {
      await db.updateTable('users').set({ failed_logins: 0, last_login: toMillis(now) }).where('id', '=', userId).execute();
    },

    // The increment happens in the database, so parallel failures each get their own count.
    // An unknown user counts nothing: 0.
    async recordLoginFailure(userId) {
      const increment = (executor: Kysely<DatabaseSchema>) =>
        executor
          .updateTable('users')
          .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
          .where('id', '=', userId);
      if (capabilities.returning) {
        const row = await increment(db).returning('failed_logins').executeTakeFirst();
        return row?.failed_logins ?? 0;
      }
      // The row stays locked by our update until commit, so the read-back is our own count.
      return db.transaction().execute(async (tx) => {
        const result = await increment(tx).executeTakeFirst();
        if (result.numUpdatedRows === 0n) return 0;
        const row = await tx.selectFrom('users').select('failed_logins').where('id', '=', userId).executeTakeFirstOrThrow();
        return row.failed_logins;
      });
    },

    async setUserStatus(userId, status, now) {
      const at = toMillis(now);
      await db.updateTable('users').set({ status, status_changed: at, last_updated: at }).where('id', '=', userId).execute();
    },

    async unlockUser(userId, now) {
      const at = toMillis(now);
      const result = await db
        .updateTable('users')
        .set({ status: 'ACTIVE', failed_logins: 0, status_changed: at, last_updated: at })
        .where('id', '=', userId)
        .where('status', '=', 'LOCKED_OUT')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async changePassword(userId, passwordHash, now) {
      const at = toMillis(now);
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ password_hash: passwordHash, password_changed: at, failed_logins: 0, last_updated: at })
          .where('id', '=', userId)
          .execute();
        await trx
          .updateTable('users')
          .set({ status: 'ACTIVE', status_changed: at })
          .where('id', '=', userId)
          .where('status', '=', 'PASSWORD_EXPIRED')
          .execute();
      });
    },

    // A rehash re-encodes the same password, so passwordChanged is left alone.
    async updatePasswordHash(userId, passwordHash, now) {
      await db
        .updateTable('users')
        .set({ password_hash: passwordHash, last_updated: toMillis(now) })
        .where('id', '=', userId)
        .execute();
    },

    // Explicit deletes say what goes; the ON DELETE CASCADE foreign keys also catch rows that a
    // concurrent insert committed after these statements looked.
    deleteUser: (userId) =>
      db.transaction().execute(async (tx) => {
        for (const table of ['otps', 'sessions', 'grants', 'factors'] as const) {
          await tx.deleteFrom(table).where('user_id', '=', userId).execute();
        }
        const result = await tx.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
        return result.numDeletedRows > 0n;
      }),

    async listUsers({ prefix, where, after, limit }) {
      const count = Math.floor(limit);
      if (!(count > 0)) return [];
      let query = db.selectFrom('users').selectAll();
      if (after !== undefined) query = query.where('id', '>', after);
      if (prefix !== undefined) {
        query = query.where((eb) =>
          eb.or(['firstName', 'lastName', 'email', 'login'].map((key) => startsWith(profileField(capabilities, key), prefix))),
        );
      }
      if (where !== undefined) query = query.where((eb) => userCondition(eb, capabilities, where));
      const rows = await query.orderBy('id').limit(count).execute();
      return rows.map(userFromRow);
    },

    updateProfile: (userId, profile, now) =>
      translatingErrors(async () => {
        const result = await db
          .updateTable('users')
          .set({ profile: JSON.stringify(profile), login: normalizeLogin(profile.login), last_updated: toMillis(now) })
          .where('id', '=', userId)
          .executeTakeFirst();
        if (affected(result) === 0) return null;
        const row = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
        return row === undefined ? null : userFromRow(row);
      }),

    // Conditional on the current status: of concurrent transitions from one status exactly one matches.
    async transitionUserStatus(userId, from, to, now, options = {}) {
      if (from.length === 0) return false;
      const at = toMillis(now);
      const result = await db
        .updateTable('users')
        .set({ status: to, status_changed: at, last_updated: at, ...(options.stampActivated === true ? { activated: at } : {}) })
        .where('id', '=', userId)
        .where('status', 'in', [...from])
        .executeTakeFirst();
      return affected(result) > 0;
    },
  };
}

/** The store stamps the lifecycle dates: activated only for a user created ACTIVE; no status change yet. */
function newUserRow(user: NewUser): UsersTable {
  const at = toMillis(user.now);
  return {
    id: user.id,
    login: normalizeLogin(user.profile.login),
    status: user.status,
    profile: JSON.stringify(user.profile),
    password_hash: user.passwordHash,
    failed_logins: 0,
    created: at,
    activated: user.status === 'ACTIVE' ? at : null,
    status_changed: null,
    last_login: null,
    last_updated: at,
    password_changed: user.passwordHash === null ? null : at,
  };
}

function userFromRow(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    status: row.status,
    created: fromMillis(row.created),
    activated: fromMillisOrNull(row.activated),
    statusChanged: fromMillisOrNull(row.status_changed),
    lastLogin: fromMillisOrNull(row.last_login),
    lastUpdated: fromMillis(row.last_updated),
    passwordChanged: fromMillisOrNull(row.password_changed),
    profile: JSON.parse(row.profile) as UserProfile,
    passwordHash: row.password_hash,
    failedLogins: row.failed_logins,
  };
}
