import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { createMemoryStores } from '../../src/storage/memory/memory-stores.js';
import { openDatabase, type SqlDatabase } from '../../src/storage/sql/database.js';
import { createSqlStores } from '../../src/storage/sql/sql-stores.js';
import { DATABASE_URL } from '../support/backends.js';
import { storesContract, type StoresHandle } from './stores.contract.js';

/** Children before parents, so the foreign keys never object. */
const TABLES = ['grants', 'sessions', 'otps', 'push_transactions', 'factors', 'users', 'mailbox'] as const;

/**
 * One database per suite, opened and migrated on first use and closed after the suite; each test
 * gets it with every table emptied. (Opening, migrating and reopening have their own tests in
 * stores-sql.test.ts.) `withoutReturning` runs the stores on their transaction fallbacks.
 */
function sqlBackend(open: () => Promise<SqlDatabase>, withoutReturning = false): () => Promise<StoresHandle> {
  let opened: Promise<SqlDatabase> | undefined;
  afterAll(async () => {
    await (await opened)?.close();
  });
  return async () => {
    opened ??= open().then(async (database) => {
      await database.migrate();
      return database;
    });
    const database = await opened;
    for (const table of TABLES) await database.db.deleteFrom(table).execute();
    const effective = withoutReturning ? { ...database, capabilities: { ...database.capabilities, returning: false } } : database;
    return { stores: createSqlStores(effective), close: async () => {} };
  };
}

storesContract('memory', async () => ({ stores: createMemoryStores(), close: async () => {} }));

describe('SQLite', () => {
  // A real file in a directory of its own: WAL, fsync and reopening are part of what is tested.
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-stores-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  storesContract('sqlite', sqlBackend(() => openDatabase(`sqlite:${join(dir, 'stores.db')}`)));
  // The transaction fallbacks used where RETURNING is missing.
  storesContract('sqlite without RETURNING', sqlBackend(() => openDatabase(`sqlite:${join(dir, 'stores-nr.db')}`), true));
});

describe.skipIf(!DATABASE_URL)('PostgreSQL', () => {
  const url = DATABASE_URL ?? '';
  // One schema per run, so parallel runs and other suites never see each other's rows.
  const schema = `latchkey_stores_${process.pid}_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`drop schema if exists "${schema}" cascade`);
    } finally {
      await client.end();
    }
  });

  storesContract('postgres', sqlBackend(() => openDatabase(url, { schema })));
  storesContract('postgres without RETURNING', sqlBackend(() => openDatabase(url, { schema }), true));
});
