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
import { adminStoresContract } from './admin-stores.contract.js';
import type { StoresHandle } from './stores.contract.js';

/** Deleting users cascades to everything that hangs on them (ON DELETE CASCADE). */
const TABLES = ['api_tokens', 'events', 'users'] as const;

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

adminStoresContract('memory', async () => ({ stores: createMemoryStores(), close: async () => {} }));

describe('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-admin-stores-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  adminStoresContract('sqlite', sqlBackend(() => openDatabase(`sqlite:${join(dir, 'admin.db')}`)));
  adminStoresContract('sqlite without RETURNING', sqlBackend(() => openDatabase(`sqlite:${join(dir, 'admin-nr.db')}`), true));
});

describe.skipIf(!DATABASE_URL)('PostgreSQL', () => {
  const url = DATABASE_URL ?? '';
  const schema = `latchkey_admin_${process.pid}_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`drop schema if exists "${schema}" cascade`);
    } finally {
      await client.end();
    }
  });
  adminStoresContract('postgres', sqlBackend(() => openDatabase(url, { schema })));
});
