import type { Kysely, Migration } from 'kysely';

// Frozen: never edit after release; add a new dated migration instead.
// Management API tokens (SSWS): only the SHA-256 of a token is stored.
export function apiTokensMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addColumn('last_used', 'bigint')
        .addColumn('revoked', 'bigint')
        .addPrimaryKeyConstraint('api_tokens_pkey', ['id'])
        .addUniqueConstraint('api_tokens_token_hash_key', ['token_hash'])
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('api_tokens').ifExists().execute();
    },
  };
}
