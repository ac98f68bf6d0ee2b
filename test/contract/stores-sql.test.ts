import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { NewUser } from '../../src/core/identity/identity-store.js';
import { sqliteCapabilities } from '../../src/storage/sql/capabilities.js';
import { openDatabase, type SqlDatabase } from '../../src/storage/sql/database.js';
import { createSqlStores } from '../../src/storage/sql/sql-stores.js';
import { DATABASE_URL } from '../support/backends.js';

const NOW = new Date('2026-05-06T07:08:09.123Z');
const user = (id: string): NewUser => ({
  id,
  status: 'ACTIVE',
  profile: { firstName: 'A', lastName: 'B', email: `${id}@example.com`, login: `${id}@example.com` },
  passwordHash: null,
  now: NOW,
});

const TABLES = ['api_tokens', 'authn_transactions', 'events', 'factors', 'grants', 'mailbox', 'oauth_clients', 'oauth_codes', 'oauth_keys', 'oauth_tokens', 'otps', 'push_transactions', 'sessions', 'users'];

async function userTables(database: SqlDatabase): Promise<string[]> {
  const tables = await database.db.introspection.getTables();
  return tables.map((t) => t.name).filter((name) => !name.startsWith('kysely_')).sort();
}

async function withDatabase<T>(open: Promise<SqlDatabase>, use: (database: SqlDatabase) => Promise<T>): Promise<T> {
  const database = await open;
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

describe('SQLite database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-sql-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens sqlite::memory:, migrates and reports its capabilities', async () => {
    await withDatabase(openDatabase('sqlite::memory:'), async (database) => {
      expect(database.dialect).toBe('sqlite');
      expect(database.capabilities).toEqual({ returning: true, identityColumns: false, jsonField: 'json_extract' });
      await database.migrate();
      await database.migrate();
      expect(await userTables(database)).toEqual(TABLES);
    });
  });

  it('accepts relative, absolute and file: paths and creates the parent directory', async () => {
    const urls = [
      `sqlite:${relative(process.cwd(), join(dir, 'rel', 'deeper', 'a.db'))}`,
      `sqlite:${join(dir, 'abs', 'b.db')}`,
      `file:${join(dir, 'file', 'c.db')}`,
      pathToFileURL(join(dir, 'file url', 'd.db')).href,
    ];
    for (const url of urls) {
      await withDatabase(openDatabase(url), async (database) => {
        await database.migrate();
        await createSqlStores(database).identity.createUser(user('u1'));
      });
    }
    for (const path of ['rel/deeper/a.db', 'abs/b.db', 'file/c.db', 'file url/d.db']) {
      await withDatabase(openDatabase(`sqlite:${join(dir, path)}`), async (database) => {
        expect(await createSqlStores(database).identity.findUserById('u1')).not.toBeNull();
      });
    }
  });

  it('runs with WAL, synchronous=FULL, foreign keys and a busy timeout', async () => {
    await withDatabase(openDatabase(`sqlite:${join(dir, 'pragmas.db')}`), async (database) => {
      const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(database.db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(2);
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(5000);
    });
  });

  it('keeps data across closing and reopening the file', async () => {
    const url = `sqlite:${join(dir, 'reopen.db')}`;
    await withDatabase(openDatabase(url), async (database) => {
      await database.migrate();
      const stores = createSqlStores(database);
      await stores.identity.createUser(user('u1'));
      await stores.mailbox.addMail({ id: 'm1', to: 'a@example.com', subject: 's', text: 't', html: 'h', kind: 'k', createdAt: NOW });
    });
    await withDatabase(openDatabase(url), async (database) => {
      await database.migrate();
      const stores = createSqlStores(database);
      expect((await stores.identity.findUserByLogin('U1@example.com'))?.created).toEqual(NOW);
      expect((await stores.mailbox.findMail('m1'))?.createdAt).toEqual(NOW);
      // Insertion order continues after a reopen.
      await stores.mailbox.addMail({ id: 'm2', to: 'a@example.com', subject: 's', text: 't', html: 'h', kind: 'k', createdAt: NOW });
      expect((await stores.mailbox.listMail({ limit: 5 })).map((m) => m.id)).toEqual(['m2', 'm1']);
    });
  });

  it('keeps every acknowledged write when the process is killed with SIGKILL', async () => {
    const file = join(dir, 'killed.db');
    const databaseModule = fileURLToPath(new URL('../../src/storage/sql/database.ts', import.meta.url));
    const storesModule = fileURLToPath(new URL('../../src/storage/sql/sql-stores.ts', import.meta.url));
    // The child acknowledges each committed user on stdout, as a server would answer 2xx.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { openDatabase } = await import(${JSON.stringify(pathToFileURL(databaseModule).href)});
         const { createSqlStores } = await import(${JSON.stringify(pathToFileURL(storesModule).href)});
         const database = await openDatabase(${JSON.stringify(`sqlite:${file}`)});
         await database.migrate();
         const stores = createSqlStores(database);
         for (let i = 0; ; i++) {
           await stores.identity.createUser({ id: 'u' + i, status: 'ACTIVE', passwordHash: null, now: new Date(),
             profile: { firstName: 'A', lastName: 'B', email: 'u' + i + '@x.test', login: 'u' + i + '@x.test' } });
           process.stdout.write('u' + i + '\\n');
         }`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acknowledged: string[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        acknowledged.push(...lines);
        if (acknowledged.length >= 50 && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
    });
    expect(await exited).toBe('SIGKILL');

    await withDatabase(openDatabase(`sqlite:${file}`), async (database) => {
      const identity = createSqlStores(database).identity;
      for (const id of acknowledged) expect(await identity.findUserById(id), id).not.toBeNull();
    });
  });

  it('refuses unsupported URLs without echoing credentials', async () => {
    for (const url of ['mysql://root:s3cret@db/latchkey', 'sqlite:', 'redis://localhost', 'data.db']) {
      const error = await openDatabase(url).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error?.message, url).toMatch(/Unsupported database URL/);
      expect(error?.message).not.toContain('s3cret');
    }
    await expect(openDatabase('sqlite::memory:', { schema: 'x' })).rejects.toThrow(/only supported for PostgreSQL/);
  });

  it('derives RETURNING support from the SQLite version', () => {
    expect(sqliteCapabilities('3.34.1').returning).toBe(false);
    expect(sqliteCapabilities('3.35.0').returning).toBe(true);
    expect(sqliteCapabilities('3.53.2').returning).toBe(true);
  });
});

describe.skipIf(!DATABASE_URL)('PostgreSQL database', () => {
  const url = DATABASE_URL ?? '';
  const run = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const schemas = [`latchkey_sql_${run}_a`, `latchkey_sql_${run}_b`];

  const admin = async <T>(use: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  };

  afterAll(async () => {
    await admin(async (client) => {
      for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
    });
  });

  it('creates the schema, migrates into it on every pooled connection, and close() leaves it', async () => {
    const [schema] = schemas as [string];
    await withDatabase(openDatabase(url, { schema }), async (database) => {
      expect(database.dialect).toBe('postgres');
      expect(database.capabilities).toEqual({ returning: true, identityColumns: true, jsonField: 'jsonb' });
      await database.migrate();
      await database.migrate();
      const current = await Promise.all(
        Array.from({ length: 20 }, async () => (await sql<{ s: string }>`select current_schema() as s, pg_sleep(0.01)`.execute(database.db)).rows[0]?.s),
      );
      expect(new Set(current)).toEqual(new Set([schema]));
    });
    const tables = await admin(async (client) =>
      (await client.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1', [schema])).rows
        .map((r) => r.table_name)
        .filter((name) => !name.startsWith('kysely_'))
        .sort(),
    );
    expect(tables).toEqual(TABLES);
  });

  it('keeps schemas apart', async () => {
    const [a, b] = schemas as [string, string];
    await withDatabase(openDatabase(url, { schema: a }), async (database) => {
      await database.migrate();
      await createSqlStores(database).identity.createUser(user('only-in-a'));
    });
    await withDatabase(openDatabase(url, { schema: b }), async (database) => {
      await database.migrate();
      expect(await createSqlStores(database).identity.findUserById('only-in-a')).toBeNull();
      await createSqlStores(database).identity.createUser(user('only-in-a'));
    });
  });

  it('reads int8 columns back as numbers', async () => {
    await withDatabase(openDatabase(url, { schema: schemas[0] }), async (database) => {
      await database.migrate();
      const stores = createSqlStores(database);
      await stores.identity.createUser(user('int8'));
      const row = await database.db.selectFrom('users').select(['created', 'failed_logins']).where('id', '=', 'int8').executeTakeFirstOrThrow();
      expect(row.created).toBe(NOW.getTime());
      const count = await database.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(typeof count.n).toBe('number');
      // The parser is the pool's own: pg's global parsers still answer strings.
      expect(typeof pg.types.getTypeParser(20)('1')).toBe('string');
    });
  });

  it('refuses an unsafe schema name and fails fast on an unreachable server', async () => {
    await expect(openDatabase(url, { schema: 'bad"; drop' })).rejects.toThrow(/Invalid PostgreSQL schema name/);
    await expect(openDatabase('postgres://postgres@127.0.0.1:1/test')).rejects.toThrow();
  });
});
