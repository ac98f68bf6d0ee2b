import type { Kysely, Migration } from 'kysely';

// Frozen: never edit after release; add a new dated migration instead.
// Okta authn transactions (issue 3): one row per transaction, found by the SHA-256 of its
// stateToken; at SUCCESS it also holds the SHA-256 of the single-use sessionToken. The flow's
// state-specific fields travel as JSON in `data`; `version` is the compare-and-set key.
export function authnTransactionsMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('authn_transactions')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('state_token_hash', 'text', (c) => c.notNull())
        .addColumn('session_token_hash', 'text')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('authn_transactions_pkey', ['id'])
        .addUniqueConstraint('authn_transactions_state_token_key', ['state_token_hash'])
        .addUniqueConstraint('authn_transactions_session_token_key', ['session_token_hash'])
        .addForeignKeyConstraint('authn_transactions_user_fk', ['user_id'], 'users', ['id'], (fk) => fk.onDelete('cascade'))
        .execute();
      await db.schema.createIndex('authn_transactions_user_id_idx').on('authn_transactions').column('user_id').execute();
      await db.schema.createIndex('authn_transactions_expires_at_idx').on('authn_transactions').column('expires_at').execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('authn_transactions').ifExists().execute();
    },
  };
}
