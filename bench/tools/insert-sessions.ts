import { sql } from 'kysely';
import { systemClock } from '../../src/core/clock.js';
import { cryptoRandom } from '../../src/core/random.js';
import { SessionService } from '../../src/core/session/session-service.js';
import { openDatabase } from '../../src/storage/sql/database.js';
import { createSqlSessionStore } from '../../src/storage/sql/sql-session-store.js';
import { createSqlStores } from '../../src/storage/sql/sql-stores.js';
import { report } from '../refs/common.js';

/**
 * Creates COUNT live ACTIVE sessions for the user LOGIN through Latchkey's own SessionService and
 * SQL SessionStore, on the database the server under test uses, and reports the storage they take:
 * SQLite page_count × page_size (after a WAL checkpoint), PostgreSQL pg_total_relation_size('sessions')
 * (table, indexes and TOAST). Runs beside the server, as its own process.
 */
const url = process.env.DATABASE_URL;
const login = process.env.LOGIN;
const count = Number(process.env.COUNT ?? 100_000);
const sampleSize = Number(process.env.SAMPLE ?? 1000);
if (url === undefined || login === undefined) throw new Error('DATABASE_URL and LOGIN must be set by the bench runner');

// This process's connections only (the server keeps its own durability settings): the inserts are
// setup, not the measurement, so they skip the per-commit flush (SQLite below, PostgreSQL here).
let connectUrl = url;
if (/^postgres(ql)?:\/\//.test(url)) {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `${parsed.searchParams.get('options') ?? ''} -c synchronous_commit=off`.trim());
  connectUrl = parsed.toString();
}
const database = await openDatabase(connectUrl);
const stores = createSqlStores(database);
const db = database.db;

async function storageBytes(): Promise<number> {
  if (database.dialect === 'sqlite') {
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    const pages = await sql<{ page_count: number }>`pragma page_count`.execute(db);
    const size = await sql<{ page_size: number }>`pragma page_size`.execute(db);
    return Number(pages.rows[0]?.page_count ?? 0) * Number(size.rows[0]?.page_size ?? 0);
  }
  await sql`vacuum analyze sessions`.execute(db).catch(() => undefined);
  const result = await sql<{ bytes: string | number }>`select pg_total_relation_size('sessions') as bytes`.execute(db);
  return Number(result.rows[0]?.bytes ?? 0);
}

async function sessionRows(): Promise<number> {
  const result = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(result?.n ?? 0);
}

try {
  const user = await stores.identity.findUserByLogin(login);
  if (user === null) throw new Error(`no user ${login}`);
  if (database.dialect === 'sqlite') await sql`pragma synchronous = OFF`.execute(db);
  const rowsBefore = await sessionRows();
  const bytesBefore = await storageBytes();
  const started = performance.now();
  const sample: string[] = [];
  // Batches of 2,000 sessions per transaction, each through a SessionService over a SessionStore bound
  // to that transaction; PostgreSQL runs 4 batches at once.
  const batch = 2000;
  const parallel = database.dialect === 'sqlite' ? 1 : 4;
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const size = Math.min(batch, count - next);
        next += size;
        await db.transaction().execute(async (trx) => {
          const sessions = new SessionService({
            store: createSqlSessionStore(trx),
            clock: systemClock,
            random: cryptoRandom,
            idleSeconds: 7200,
            maxSeconds: 43_200,
          });
          for (let i = 0; i < size; i++) {
            const { token } = await sessions.start(user, 'ACTIVE', ['pwd', 'otp', 'mfa']);
            if (sample.length < sampleSize) sample.push(token);
          }
        });
      }
    }),
  );
  const insertSeconds = (performance.now() - started) / 1000;
  const bytesAfter = await storageBytes();
  const rowsAfter = await sessionRows();
  await report({ dialect: database.dialect, rowsBefore, rowsAfter, bytesBefore, bytesAfter, insertSeconds, sample });
} finally {
  await database.close();
}
process.exit(0);
