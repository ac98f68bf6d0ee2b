import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { readEnvWithDotenv } from '../config/dotenv.js';
import { ApiTokenService } from '../core/apitokens/api-token-service.js';
import type { ApiToken } from '../core/apitokens/api-token.js';
import { systemClock } from '../core/clock.js';
import { cryptoRandom } from '../core/random.js';
import { openDatabase } from '../storage/sql/database.js';
import { createSqlStores } from '../storage/sql/sql-stores.js';
import type { CliCommand, CliIo } from './cli-command.js';

export const TOKENS_USAGE = `usage: latchkey tokens create --name NAME [--json]
       latchkey tokens list [--json]
       latchkey tokens revoke ID

Management API tokens for /api/v1 (Authorization: SSWS <token>). A token is printed once, when it
is created, and stored only as its SHA-256. Uses the same configuration as the server
(DATA_DIR, DATABASE_URL, .env).`;

const iso = (d: Date | null) => (d === null ? '-' : d.toISOString());
const view = (t: ApiToken) => ({ id: t.id, name: t.name, created: t.created.toISOString(), lastUsed: t.lastUsed?.toISOString() ?? null, revoked: t.revoked?.toISOString() ?? null });

async function withTokens<T>(io: CliIo, use: (tokens: ApiTokenService) => Promise<T>): Promise<T> {
  const config = loadConfig(readEnvWithDotenv(io.env));
  const database = await openDatabase(config.databaseUrl);
  try {
    await database.migrate();
    const stores = createSqlStores(database);
    return await use(new ApiTokenService({ store: stores.apiTokens, clock: io.clock ?? systemClock, random: cryptoRandom }));
  } finally {
    await database.close();
  }
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], allowPositionals: true, strict: true, options: { name: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (error) {
    io.stderr(`latchkey tokens: ${(error as Error).message}\n${TOKENS_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const json = values.json === true;

  if (action === 'create' && positionals.length === 0 && typeof values.name === 'string' && values.name.trim() !== '') {
    const name = values.name;
    const { token, record } = await withTokens(io, (tokens) => tokens.create(name));
    if (json) io.stdout(`${JSON.stringify({ ...view(record), token })}\n`);
    else io.stdout(`Created API token ${record.id} (${record.name}). It is shown only now; store it safely:\n${token}\n`);
    return 0;
  }
  if (action === 'list' && positionals.length === 0 && values.name === undefined) {
    const list = await withTokens(io, (tokens) => tokens.list());
    if (json) {
      io.stdout(`${JSON.stringify(list.map(view))}\n`);
    } else if (list.length === 0) {
      io.stdout('No API tokens.\n');
    } else {
      io.stdout(`${['ID', 'STATUS', 'CREATED', 'LAST USED', 'NAME'].join('\t')}\n`);
      for (const t of list) io.stdout(`${[t.id, t.revoked === null ? 'ACTIVE' : 'REVOKED', iso(t.created), iso(t.lastUsed), t.name].join('\t')}\n`);
    }
    return 0;
  }
  if (action === 'revoke' && positionals.length === 1 && values.name === undefined) {
    const id = positionals[0] as string;
    if (await withTokens(io, (tokens) => tokens.revoke(id))) {
      io.stdout(`Revoked API token ${id}.\n`);
      return 0;
    }
    io.stderr(`latchkey tokens: no active API token ${id}\n`);
    return 1;
  }
  io.stderr(`${TOKENS_USAGE}\n`);
  return 2;
}

export const tokensCommand: CliCommand = { summary: 'create, list and revoke management API tokens (SSWS)', run };
