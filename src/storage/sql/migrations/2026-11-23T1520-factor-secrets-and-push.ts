import type { Kysely, Migration } from 'kysely';

// Frozen: never edit after release; add a new dated migration instead.
// TOTP: the sealed shared secret and the last accepted time step live on the factor row.
// Push: one row per push request; the link token is stored only as its SHA-256.
export function factorSecretsAndPushMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('factors').addColumn('secret', 'text').execute();
      await db.schema.alterTable('factors').addColumn('last_totp_step', 'bigint').execute();

      await db.schema
        .createTable('push_transactions')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('factor_id', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('answered_at', 'bigint')
        .addColumn('consumed_at', 'bigint')
        .addColumn('link_token_hash', 'text', (c) => c.notNull())
        .addColumn('request_ip', 'text')
        .addColumn('request_user_agent', 'text')
        .addPrimaryKeyConstraint('push_transactions_pkey', ['id'])
        .addUniqueConstraint('push_transactions_link_key', ['link_token_hash'])
        .addForeignKeyConstraint('push_transactions_user_fk', ['user_id'], 'users', ['id'], (fk) => fk.onDelete('cascade'))
        .addForeignKeyConstraint('push_transactions_factor_fk', ['factor_id'], 'factors', ['id'], (fk) => fk.onDelete('cascade'))
        .execute();
      await db.schema.createIndex('push_transactions_factor_id_idx').on('push_transactions').column('factor_id').execute();
      await db.schema.createIndex('push_transactions_user_id_idx').on('push_transactions').column('user_id').execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('push_transactions').ifExists().execute();
      await db.schema.alterTable('factors').dropColumn('last_totp_step').execute();
      await db.schema.alterTable('factors').dropColumn('secret').execute();
    },
  };
}
