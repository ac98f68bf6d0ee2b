import { createServer } from 'node:http';
import { join } from 'node:path';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { argon2Params, refPort } from './common.js';

/**
 * Better Auth's email and password sign-in and its session check, configured like Latchkey:
 * argon2id through the same @node-rs/argon2 with the same parameters, SQLite through
 * better-sqlite3 with the same pragmas (WAL, synchronous=FULL), rate limiting off, telemetry off.
 */
const port = refPort();
const dataDir = process.env.DATA_DIR;
if (dataDir === undefined) throw new Error('DATA_DIR must be set by the bench runner');
const secret = process.env.BETTER_AUTH_SECRET;
if (secret === undefined) throw new Error('BETTER_AUTH_SECRET must be set by the bench runner');

const database = new Database(join(dataDir, 'better-auth.db'));
database.pragma('journal_mode = WAL');
database.pragma('synchronous = FULL');
database.pragma('foreign_keys = ON');
database.pragma('busy_timeout = 5000');

const ARGON2ID: Algorithm = 2;
const params = argon2Params();
const baseURL = `http://127.0.0.1:${port}`;

const options = {
  baseURL,
  secret,
  database,
  emailAndPassword: {
    enabled: true,
    password: {
      hash: (password: string) => hash(password, { ...params, algorithm: ARGON2ID }),
      verify: ({ hash: encoded, password }: { hash: string; password: string }) => verify(encoded, password),
    },
  },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  trustedOrigins: [baseURL],
};

const { runMigrations } = await getMigrations(options);
await runMigrations();
const auth = betterAuth(options);
const handler = toNodeHandler(auth);

const server = createServer((request, response) => {
  if (request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  void handler(request, response);
});
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  database.close();
  process.exit(0);
});
