import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { POSTGRES_CAPABILITIES, sqliteCapabilities, type SqlCapabilities, type SqlDialectName } from './capabilities.js';
import { migrationProvider } from './migrations/index.js';
import type { DatabaseSchema } from './schema.js';

export interface SqlDatabase {
  db: Kysely<DatabaseSchema>;
  dialect: SqlDialectName;
  capabilities: SqlCapabilities;
  /** Brings the schema to the latest migration; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * PostgreSQL only: created if missing and used as the search_path of every pooled connection,
   * so a test run can isolate itself. close() leaves it in place.
   */
  schema?: string;
}

const INT8_OID = 20;
// Unquoted in search_path, so restricted to names PostgreSQL would not fold or need quoting for.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens `sqlite:<path>`, `sqlite::memory:`, `file:<path>` (also `file:///abs/path`) or
 * `postgres://…` / `postgresql://…`.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<SqlDatabase> {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options.schema);
  const path = sqlitePath(url);
  if (path === null) {
    throw new Error(`Unsupported database URL "${redact(url)}": use sqlite:<path>, sqlite::memory:, file:<path> or postgres://…`);
  }
  if (options.schema !== undefined) throw new Error('options.schema is only supported for PostgreSQL');
  return openSqlite(path);
}

function sqlitePath(url: string): string | null {
  if (url.startsWith('file://')) return fileURLToPath(url);
  const match = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(url);
  return match?.[1] ?? null;
}

function openSqlite(path: string): SqlDatabase {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const connection = new SqliteDatabase(path);
  try {
    connection.pragma('journal_mode = WAL');
    // FULL: the WAL is fsynced on every commit, so an acknowledged write survives a crash or kill -9.
    connection.pragma('synchronous = FULL');
    connection.pragma('foreign_keys = ON');
    connection.pragma('busy_timeout = 5000');
  } catch (error) {
    connection.close();
    throw error;
  }
  const version = (connection.prepare('select sqlite_version() as v').get() as { v: string }).v;
  const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: connection }) });
  return assemble(db, 'sqlite', sqliteCapabilities(version));
}

async function openPostgres(url: string, schema: string | undefined): Promise<SqlDatabase> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`Invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`);
  }
  // Per pool, not pg.types globally: other pg users in the process keep their own parsing.
  // int8 holds our millisecond instants and counts, all far below 2^53.
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, (value: string) => Number(value));
  const pool = new pg.Pool({
    connectionString: url,
    types,
    // A startup parameter, so it holds on every pooled connection before its first query.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  let migrationSchema: string;
  try {
    // Also fails fast on a bad URL or an unreachable server instead of on the first request.
    if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    const current = (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
    if (current === null || current === undefined) throw new Error('PostgreSQL search_path names no existing schema');
    migrationSchema = current;
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return assemble(db, 'postgres', POSTGRES_CAPABILITIES, migrationSchema);
}

/**
 * `migrationSchema` pins Kysely's bookkeeping tables to the schema the tables go to: unpinned,
 * the Migrator looks for them in every schema and takes another schema's for ours.
 */
function assemble(
  db: Kysely<DatabaseSchema>,
  dialect: SqlDialectName,
  capabilities: SqlCapabilities,
  migrationSchema?: string,
): SqlDatabase {
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect,
    capabilities,
    async migrate() {
      const migrator = new Migrator({
        db,
        provider: migrationProvider(capabilities),
        ...(migrationSchema === undefined ? {} : { migrationTableSchema: migrationSchema }),
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error !== undefined) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName;
        throw new Error(`Database migration failed${failed === undefined ? '' : ` at ${failed}`}`, { cause: error });
      }
    },
    // Idempotent: a pg pool throws when ended twice.
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}

/** URLs may carry a password; error messages must not. */
function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
