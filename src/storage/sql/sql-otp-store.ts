import type { Kysely, Selectable } from 'kysely';
import type { OtpRecord } from '../../core/otp/otp-record.js';
import type { OtpStore } from '../../core/otp/otp-store.js';
import type { SqlCapabilities } from './capabilities.js';
import { fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from './codec.js';
import { translatingErrors } from './errors.js';
import type { DatabaseSchema, OtpsTable } from './schema.js';

export function createSqlOtpStore(db: Kysely<DatabaseSchema>, capabilities: SqlCapabilities): OtpStore {
  return {
    // One row per (user, factor, purpose): the upsert replaces the previous code, used or not, in a
    // single statement. The old id disappears, so nothing can count or consume it any more.
    issue: (record) =>
      translatingErrors(async () => {
        await db
          .insertInto('otps')
          .values(otpRow(record))
          .onConflict((oc) =>
            oc.columns(['user_id', 'factor_id', 'purpose']).doUpdateSet((eb) => ({
              id: eb.ref('excluded.id'),
              code_hash: eb.ref('excluded.code_hash'),
              key_id: eb.ref('excluded.key_id'),
              created_at: eb.ref('excluded.created_at'),
              expires_at: eb.ref('excluded.expires_at'),
              attempts: eb.ref('excluded.attempts'),
              consumed_at: eb.ref('excluded.consumed_at'),
            })),
          )
          .execute();
      }),

    async findLatest(userId, factorId, purpose) {
      const row = await db
        .selectFrom('otps')
        .selectAll()
        .where('user_id', '=', userId)
        .where('factor_id', '=', factorId)
        .where('purpose', '=', purpose)
        .where('consumed_at', 'is', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      return row === undefined ? null : otpFromRow(row);
    },

    // The limit is part of the UPDATE's condition, so the database serialises the counting:
    // parallel callers can never push attempts past maxAttempts.
    async registerAttempt(id, maxAttempts) {
      const count = (executor: Kysely<DatabaseSchema>) =>
        executor
          .updateTable('otps')
          .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
          .where('id', '=', id)
          .where('attempts', '<', maxAttempts)
          .where('consumed_at', 'is', null);
      if (capabilities.returning) {
        const row = await count(db).returning('attempts').executeTakeFirst();
        return row?.attempts ?? null;
      }
      return db.transaction().execute(async (tx) => {
        const result = await count(tx).executeTakeFirst();
        if (result.numUpdatedRows === 0n) return null;
        const row = await tx.selectFrom('otps').select('attempts').where('id', '=', id).executeTakeFirstOrThrow();
        return row.attempts;
      });
    },

    async consume(id, now) {
      const result = await db
        .updateTable('otps')
        .set({ consumed_at: toMillis(now) })
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async lastIssuedAt(userId, factorId) {
      const row = await db
        .selectFrom('otps')
        .select('created_at')
        .where('user_id', '=', userId)
        .where('factor_id', '=', factorId)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      return row === undefined ? null : fromMillis(row.created_at);
    },

    // A revoked code never reached its user, so it leaves no trace (and does not hold back a resend).
    async revokeAll(userId, factorId, purpose, _now) {
      await db
        .deleteFrom('otps')
        .where('user_id', '=', userId)
        .where('factor_id', '=', factorId)
        .where('purpose', '=', purpose)
        .where('consumed_at', 'is', null)
        .execute();
    },
  };
}

function otpRow(record: OtpRecord): OtpsTable {
  return {
    id: record.id,
    user_id: record.userId,
    factor_id: record.factorId,
    purpose: record.purpose,
    code_hash: record.codeHash,
    key_id: record.keyId,
    created_at: toMillis(record.createdAt),
    expires_at: toMillis(record.expiresAt),
    attempts: record.attempts,
    consumed_at: toMillisOrNull(record.consumedAt),
  };
}

function otpFromRow(row: Selectable<OtpsTable>): OtpRecord {
  return {
    id: row.id,
    userId: row.user_id,
    factorId: row.factor_id,
    purpose: row.purpose,
    codeHash: row.code_hash,
    keyId: row.key_id,
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
    attempts: row.attempts,
    consumedAt: fromMillisOrNull(row.consumed_at),
  };
}
