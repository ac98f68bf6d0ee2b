import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';
import type { SqlCapabilities } from '../capabilities.js';

// Frozen: never edit after release; add a new dated migration instead.
// The System Log: append-only; seq is the publication order and the paging cursor's position.
export function systemLogMigration(capabilities: SqlCapabilities): Migration {
  const seqType = capabilities.identityColumns ? 'bigint' : 'integer';
  const seq = (c: ColumnDefinitionBuilder) =>
    capabilities.identityColumns ? c.generatedByDefaultAsIdentity().primaryKey() : c.primaryKey().autoIncrement();
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('events')
        .addColumn('seq', seqType, seq)
        .addColumn('uuid', 'text', (c) => c.notNull())
        .addColumn('published', 'bigint', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('display_message', 'text', (c) => c.notNull())
        .addColumn('outcome_result', 'text', (c) => c.notNull())
        .addColumn('outcome_reason', 'text')
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('client', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('transaction_id', 'text')
        .addUniqueConstraint('events_uuid_key', ['uuid'])
        .execute();
      await db.schema.createIndex('events_published_idx').on('events').columns(['published', 'seq']).execute();
      await db.schema.createIndex('events_event_type_idx').on('events').columns(['event_type', 'seq']).execute();
      await db.schema.createIndex('events_actor_id_idx').on('events').columns(['actor_id', 'seq']).execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('events').ifExists().execute();
    },
  };
}
