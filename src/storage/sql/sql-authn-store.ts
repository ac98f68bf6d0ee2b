import type { Kysely, Selectable } from 'kysely';
import type { AuthnFlow } from '../../core/flows/authn/authn-flow.js';
import type { AuthnTransactionStore } from '../../core/flows/authn/authn-store.js';
import type { SqlCapabilities } from './capabilities.js';
import { affected, toMillis } from './codec.js';
import { translatingErrors } from './errors.js';
import type { AuthnTransactionsTable, DatabaseSchema } from './schema.js';

export function createSqlAuthnStore(db: Kysely<DatabaseSchema>, capabilities: SqlCapabilities): AuthnTransactionStore {
  return {
    createTransaction: (flow) =>
      translatingErrors(async () => {
        await db.insertInto('authn_transactions').values(authnRow(flow)).execute();
      }),

    async findByStateToken(stateTokenHash) {
      const row = await db.selectFrom('authn_transactions').selectAll().where('state_token_hash', '=', stateTokenHash).executeTakeFirst();
      return row === undefined ? null : authnFromRow(row);
    },

    // The version in the WHERE clause makes this a compare-and-set: one of concurrent writers matches.
    updateTransaction: (flow, expectedVersion) =>
      translatingErrors(async () => {
        const { id, ...rest } = authnRow(flow);
        const result = await db
          .updateTable('authn_transactions')
          .set(rest)
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      }),

    async deleteTransaction(id) {
      return affected(await db.deleteFrom('authn_transactions').where('id', '=', id).executeTakeFirst()) > 0;
    },

    // Consuming deletes the row, conditionally on it being unexpired: exactly one DELETE matches.
    async consumeSessionToken(sessionTokenHash, now) {
      const take = (executor: Kysely<DatabaseSchema>) =>
        executor
          .deleteFrom('authn_transactions')
          .where('session_token_hash', '=', sessionTokenHash)
          .where('expires_at', '>', toMillis(now));
      let flow: AuthnFlow | null;
      if (capabilities.returning) {
        const row = await take(db).returningAll().executeTakeFirst();
        flow = row === undefined ? null : authnFromRow(row);
      } else {
        flow = await db.transaction().execute(async (tx) => {
          const row = await tx.selectFrom('authn_transactions').selectAll().where('session_token_hash', '=', sessionTokenHash).executeTakeFirst();
          if (row === undefined) return null;
          const result = await take(tx).executeTakeFirst();
          return result.numDeletedRows > 0n ? authnFromRow(row) : null;
        });
      }
      if (flow === null) {
        // An expired token is useless: remove it.
        await db.deleteFrom('authn_transactions').where('session_token_hash', '=', sessionTokenHash).execute();
      }
      return flow;
    },

    async deleteExpiredTransactions(now) {
      return affected(await db.deleteFrom('authn_transactions').where('expires_at', '<=', toMillis(now)).executeTakeFirst());
    },
  };
}

/** The flow's expiry as stored: the sessionToken's at SUCCESS, the stateToken's before. */
const storedExpiry = (flow: AuthnFlow): Date => (flow.state === 'SUCCESS' ? flow.sessionTokenExpiresAt : flow.expiresAt);

function authnRow(flow: AuthnFlow): AuthnTransactionsTable {
  return {
    id: flow.id,
    state_token_hash: flow.stateTokenHash,
    session_token_hash: flow.state === 'SUCCESS' ? flow.sessionTokenHash : null,
    user_id: flow.userId,
    state: flow.state,
    version: flow.version,
    created_at: toMillis(flow.createdAt),
    expires_at: toMillis(storedExpiry(flow)),
    data: encodeAuthnFlow(flow),
  };
}

function authnFromRow(row: Selectable<AuthnTransactionsTable>): AuthnFlow {
  return decodeAuthnFlow(row.data);
}

const DATE_FIELDS = ['createdAt', 'expiresAt', 'maxExpiresAt', 'sessionTokenExpiresAt'] as const;

/** AuthnFlow → JSON text (dates as ISO strings). */
export function encodeAuthnFlow(flow: AuthnFlow): string {
  return JSON.stringify(flow);
}

/** JSON text → AuthnFlow, dates revived. */
export function decodeAuthnFlow(text: string): AuthnFlow {
  const raw = JSON.parse(text) as Record<string, unknown> & { policy: Record<string, unknown> };
  for (const key of DATE_FIELDS) if (typeof raw[key] === 'string') raw[key] = new Date(raw[key]);
  if (typeof raw.policy.passwordExpiresAt === 'string') raw.policy.passwordExpiresAt = new Date(raw.policy.passwordExpiresAt);
  return raw as unknown as AuthnFlow;
}
