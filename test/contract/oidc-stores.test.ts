import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { createMemoryOidcStores } from '../../src/storage/memory/memory-oidc-stores.js';
import { openDatabase, type SqlDatabase } from '../../src/storage/sql/database.js';
import { createSqlOidcStores } from '../../src/storage/sql/sql-oidc-stores.js';
import { DATABASE_URL } from '../support/backends.js';
import { oidcStoresContract, type OidcStoresHandle } from './oidc-stores.contract.js';

const TABLES = ['oauth_tokens', 'oauth_codes', 'oauth_clients', 'oauth_keys'] as const;

function sqlBackend(open: () => Promise<SqlDatabase>): () => Promise<OidcStoresHandle> {
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
    return { stores: createSqlOidcStores(database), close: async () => {} };
  };
}

oidcStoresContract('memory', async () => ({ stores: createMemoryOidcStores(), close: async () => {} }));

describe('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-oidc-stores-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  oidcStoresContract('sqlite', sqlBackend(() => openDatabase(`sqlite:${join(dir, 'oidc.db')}`)));
});

describe.skipIf(!DATABASE_URL)('PostgreSQL', () => {
  const url = DATABASE_URL ?? '';
  const schema = `latchkey_oidc_${process.pid}_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`drop schema if exists "${schema}" cascade`);
    } finally {
      await client.end();
    }
  });
  oidcStoresContract('postgres', sqlBackend(() => openDatabase(url, { schema })));
});
