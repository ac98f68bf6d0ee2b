import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { openDatabase, type SqlDatabase } from '../../src/storage/sql/database.js';
import { DATABASE_URL } from './backends.js';

export interface BackendOptions<H> {
  /** Short name for the temp folder and the PostgreSQL schema. */
  id: string;
  /** Tables emptied before each test, children before parents (foreign keys). */
  tables: readonly string[];
  memory: () => H | Promise<H>;
  fromSql: (database: SqlDatabase) => H;
  /** Also run the SQL stores on their transaction fallbacks for databases without RETURNING. */
  withoutReturning?: boolean;
}

/**
 * Runs one contract suite on every backend: memory; SQLite in a real file of a fresh temp folder;
 * PostgreSQL (DATABASE_URL) in a schema of its own, dropped afterwards. Each SQL database is opened
 * and migrated once per suite; each test gets it with the listed tables emptied.
 */
export function onEveryBackend<H>(contract: (name: string, factory: () => Promise<H>) => void, o: BackendOptions<H>): void {
  const sqlBackend = (open: () => Promise<SqlDatabase>, withoutReturning: boolean) => {
    let opened: Promise<SqlDatabase> | undefined;
    afterAll(async () => {
      await (await opened)?.close();
    });
    return async (): Promise<H> => {
      opened ??= open().then(async (database) => {
        await database.migrate();
        return database;
      });
      const database = await opened;
      for (const table of o.tables) await database.db.deleteFrom(table as never).execute();
      return o.fromSql(
        withoutReturning ? { ...database, capabilities: { ...database.capabilities, returning: false } } : database,
      );
    };
  };
  const variants = (name: string, open: () => Promise<SqlDatabase>) => {
    contract(name, sqlBackend(open, false));
    if (o.withoutReturning) contract(`${name} without RETURNING`, sqlBackend(open, true));
  };

  contract('memory', async () => o.memory());

  describe('SQLite', () => {
    const dir = mkdtempSync(join(tmpdir(), `latchkey-${o.id}-`));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    variants('sqlite', () => openDatabase(`sqlite:${join(dir, `${o.id}.db`)}`));
  });

  describe.skipIf(!DATABASE_URL)('PostgreSQL', () => {
    const url = DATABASE_URL ?? '';
    // One schema per run, so parallel runs and other suites never see each other's rows.
    const schema = `latchkey_${o.id.replace(/[^a-z0-9]/g, '_')}_${process.pid}_${randomBytes(4).toString('hex')}`;
    afterAll(async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    });
    variants('postgres', () => openDatabase(url, { schema }));
  });
}
