import type { Kysely, Selectable } from 'kysely';
import type { PushTransaction, PushTransactionStore } from '../../core/factors/push-transaction.js';
import { fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from './codec.js';
import { translatingErrors } from './errors.js';
import type { DatabaseSchema, PushTransactionsTable } from './schema.js';

export function createSqlPushTransactionStore(db: Kysely<DatabaseSchema>): PushTransactionStore {
  return {
    createPushTransaction: (tx) =>
      translatingErrors(async () => {
        await db.insertInto('push_transactions').values(row(tx)).execute();
      }),

    async findPushTransaction(id) {
      const found = await db.selectFrom('push_transactions').selectAll().where('id', '=', id).executeTakeFirst();
      return found === undefined ? null : fromRow(found);
    },

    async findPushTransactionByLinkHash(linkTokenHash) {
      const found = await db.selectFrom('push_transactions').selectAll().where('link_token_hash', '=', linkTokenHash).executeTakeFirst();
      return found === undefined ? null : fromRow(found);
    },

    // The state and the expiry are the UPDATE's condition: of concurrent answers exactly one matches.
    async answerPushTransaction(id, answer, now) {
      const result = await db
        .updateTable('push_transactions')
        .set({ status: answer, answered_at: toMillis(now) })
        .where('id', '=', id)
        .where('status', '=', 'WAITING')
        .where('expires_at', '>', toMillis(now))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async consumePushSuccess(id, now) {
      const result = await db
        .updateTable('push_transactions')
        .set({ consumed_at: toMillis(now) })
        .where('id', '=', id)
        .where('status', '=', 'SUCCESS')
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function row(tx: PushTransaction): PushTransactionsTable {
  return {
    id: tx.id,
    user_id: tx.userId,
    factor_id: tx.factorId,
    purpose: tx.purpose,
    status: tx.status,
    created_at: toMillis(tx.createdAt),
    expires_at: toMillis(tx.expiresAt),
    answered_at: toMillisOrNull(tx.answeredAt),
    consumed_at: toMillisOrNull(tx.consumedAt),
    link_token_hash: tx.linkTokenHash,
    request_ip: tx.requestIp,
    request_user_agent: tx.requestUserAgent,
  };
}

function fromRow(r: Selectable<PushTransactionsTable>): PushTransaction {
  return {
    id: r.id,
    userId: r.user_id,
    factorId: r.factor_id,
    purpose: r.purpose,
    status: r.status,
    createdAt: fromMillis(r.created_at),
    expiresAt: fromMillis(r.expires_at),
    answeredAt: fromMillisOrNull(r.answered_at),
    consumedAt: fromMillisOrNull(r.consumed_at),
    linkTokenHash: r.link_token_hash,
    requestIp: r.request_ip,
    requestUserAgent: r.request_user_agent,
  };
}
