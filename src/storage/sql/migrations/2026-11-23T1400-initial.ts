import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';
import type { SqlCapabilities } from '../capabilities.js';

// Frozen: never edit after release; add a new dated migration instead.
// Instants are bigint milliseconds since the epoch, JSON is text. Constraint names are explicit
// because storage/sql/errors.ts maps them to ConflictError names.
export function initialMigration(capabilities: SqlCapabilities): Migration {
  // An auto-numbered key records insertion order, the tie-break when rows share a millisecond.
  const seqType = capabilities.identityColumns ? 'bigint' : 'integer';
  const seq = (c: ColumnDefinitionBuilder) =>
    capabilities.identityColumns ? c.generatedByDefaultAsIdentity().primaryKey() : c.primaryKey().autoIncrement();

  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('login', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('profile', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addColumn('activated', 'bigint')
        .addColumn('status_changed', 'bigint')
        .addColumn('last_login', 'bigint')
        .addColumn('last_updated', 'bigint', (c) => c.notNull())
        .addColumn('password_changed', 'bigint')
        .addPrimaryKeyConstraint('users_pkey', ['id'])
        .addUniqueConstraint('users_login_key', ['login'])
        .execute();

      await db.schema
        .createTable('factors')
        .addColumn('seq', seqType, seq)
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('factor_type', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('profile', 'text', (c) => c.notNull())
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addColumn('last_updated', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('factors_id_key', ['id'])
        .addForeignKeyConstraint('factors_user_fk', ['user_id'], 'users', ['id'], (fk) => fk.onDelete('cascade'))
        .execute();
      await db.schema.createIndex('factors_user_id_idx').on('factors').columns(['user_id', 'created', 'seq']).execute();

      // One row per (user, factor, purpose): issuing a code replaces the previous one in a single
      // upsert, so a resend kills the old code atomically and the table cannot grow per resend.
      await db.schema
        .createTable('otps')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('factor_id', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('consumed_at', 'bigint')
        .addPrimaryKeyConstraint('otps_pkey', ['id'])
        .addUniqueConstraint('otps_slot_key', ['user_id', 'factor_id', 'purpose'])
        .addForeignKeyConstraint('otps_user_fk', ['user_id'], 'users', ['id'], (fk) => fk.onDelete('cascade'))
        .execute();
      await db.schema.createIndex('otps_factor_id_idx').on('otps').column('factor_id').execute();

      // No index on the expiry columns: idle_expires_at moves on every touch, and housekeeping
      // can afford a scan where the hot path cannot afford index maintenance.
      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('login', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('absolute_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('idle_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('last_password_verification', 'bigint')
        .addColumn('last_factor_verification', 'bigint')
        .addColumn('amr', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('sessions_pkey', ['token_hash'])
        .addForeignKeyConstraint('sessions_user_fk', ['user_id'], 'users', ['id'], (fk) => fk.onDelete('cascade'))
        .execute();
      await db.schema.createIndex('sessions_user_id_idx').on('sessions').columns(['user_id', 'created_at']).execute();

      // Consumed grants are deleted, so every row here is unused.
      await db.schema
        .createTable('grants')
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('session_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('grants_pkey', ['code_hash'])
        .addForeignKeyConstraint('grants_user_fk', ['user_id'], 'users', ['id'], (fk) => fk.onDelete('cascade'))
        .execute();
      await db.schema.createIndex('grants_user_id_idx').on('grants').column('user_id').execute();
      await db.schema.createIndex('grants_expires_at_idx').on('grants').column('expires_at').execute();

      await db.schema
        .createTable('mailbox')
        .addColumn('seq', seqType, seq)
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('to_lower', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('html', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('mailbox_id_key', ['id'])
        .execute();
      await db.schema.createIndex('mailbox_created_at_idx').on('mailbox').columns(['created_at', 'seq']).execute();
      await db.schema.createIndex('mailbox_to_lower_idx').on('mailbox').columns(['to_lower', 'created_at', 'seq']).execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const table of ['mailbox', 'grants', 'sessions', 'otps', 'factors', 'users']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
