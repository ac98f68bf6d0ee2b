import { rssBytes, startNode } from '../lib/children.js';
import { mapLimit } from '../lib/latchkey.js';
import type { LatchkeyFixture } from './types.js';

export interface MemoryResult {
  sessions: number;
  dialect: string;
  method: string;
  storageBytesBefore: number;
  storageBytesAfter: number;
  /** Storage growth scaled to 100,000 sessions. */
  storageBytesPer100k: number;
  serverRssBefore: number | null;
  serverRssAfter: number | null;
  serverRssDelta: number | null;
  insertSeconds: number;
  /** Of the sampled new sessions, how many /api/user accepted (proves they are live). */
  sampleChecked: number;
  sampleAccepted: number;
}

interface InsertReport {
  dialect: string;
  rowsBefore: number;
  rowsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  insertSeconds: number;
  sample: string[];
}

/**
 * Memory per live sessions. Sessions live in the database, not in the server's heap, so the number
 * that grows with them is the database's storage: measured exactly (SQLite pages / PostgreSQL relation
 * size) around the creation of `count` sessions through SessionService + SessionStore in a helper
 * process. The server's RSS is read before and after, once a sample of the new sessions has been
 * used through /api/user, to show it does not grow with the session count.
 */
export async function measureSessionMemory(input: {
  fixture: LatchkeyFixture;
  serverPid: number;
  databaseUrl: string;
  login: string;
  count: number;
  logDir: string;
}): Promise<MemoryResult> {
  const rssBefore = rssBytes(input.serverPid) ?? null;
  const child = startNode({
    name: `insert-sessions-${input.databaseUrl.startsWith('postgres') ? 'postgres' : 'sqlite'}`,
    args: ['--import', 'tsx', 'bench/tools/insert-sessions.ts'],
    env: { DATABASE_URL: input.databaseUrl, LOGIN: input.login, COUNT: String(input.count), SAMPLE: '1000' },
    logDir: input.logDir,
  });
  const result = await new Promise<InsertReport>((resolveReport, reject) => {
    child.process.once('message', (m) => resolveReport(m as InsertReport));
    void child.exited.then(({ code }) => reject(new Error(`insert-sessions exited (${code}) without a result:\n${child.logTail()}`)));
  });
  await child.exited;
  if (result.rowsAfter - result.rowsBefore !== input.count) {
    throw new Error(`expected ${input.count} new sessions, the table grew by ${result.rowsAfter - result.rowsBefore}`);
  }
  const accepted = await mapLimit(result.sample, 8, async (sessionId) => {
    try {
      await input.fixture.client.get('/api/user', { authorization: `Bearer ${sessionId}` });
      return true;
    } catch {
      return false;
    }
  });
  const rssAfter = rssBytes(input.serverPid) ?? null;
  const grown = result.bytesAfter - result.bytesBefore;
  return {
    sessions: input.count,
    dialect: result.dialect,
    method:
      result.dialect === 'sqlite'
        ? 'SQLite page_count × page_size after wal_checkpoint(TRUNCATE), before and after'
        : "PostgreSQL pg_total_relation_size('sessions') after VACUUM ANALYZE, before and after",
    storageBytesBefore: result.bytesBefore,
    storageBytesAfter: result.bytesAfter,
    storageBytesPer100k: input.count > 0 ? (grown * 100_000) / input.count : 0,
    serverRssBefore: rssBefore,
    serverRssAfter: rssAfter,
    serverRssDelta: rssBefore !== null && rssAfter !== null ? rssAfter - rssBefore : null,
    insertSeconds: result.insertSeconds,
    sampleChecked: result.sample.length,
    sampleAccepted: accepted.filter(Boolean).length,
  };
}
