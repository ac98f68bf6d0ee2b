import { loadConfig } from '../config/config.js';
import { readEnvWithDotenv } from '../config/dotenv.js';
import { systemClock } from '../core/clock.js';
import { isPushTransactionId, PushApprovals, type PushDecision, type PushReference } from '../core/factors/push-approvals.js';
import { AuditLog } from '../core/audit/audit-log.js';
import { silentLogger } from '../core/logger.js';
import { cryptoRandom } from '../core/random.js';
import { openDatabase } from '../storage/sql/database.js';
import type { CliCommand, CliIo } from './cli-command.js';
import { createSqlStores } from '../storage/sql/sql-stores.js';

export const PUSH_USAGE = `usage: latchkey push approve|deny <transactionId | link token | approval URL>

Answers a push request as the user's device would: approve or deny the sign-in (or the enrolment
of a push factor) named by its transaction id (v2mst.…, from the poll link) or by the link in the
push email. Uses the same DATA_DIR / DATABASE_URL as the server.`;

/** "v2mst.…" → transaction id; a URL or path → the token after /authenticator/push/; anything else → a link token. */
export function parsePushReference(value: string): PushReference | null {
  const trimmed = value.trim();
  if (isPushTransactionId(trimmed)) return { transactionId: trimmed };
  const fromUrl = /\/authenticator\/push\/([A-Za-z0-9_-]+)/.exec(trimmed)?.[1];
  const token = fromUrl ?? trimmed;
  return /^[A-Za-z0-9_-]{20,100}$/.test(token) ? { linkToken: token } : null;
}

/** `latchkey push approve|deny <ref>`: exit 0 answered, 1 not answered (unknown, expired, already answered), 2 usage. */
export async function pushCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ref] = args;
  if ((action !== 'approve' && action !== 'deny') || ref === undefined || args.length !== 2) {
    io.stderr(`${PUSH_USAGE}\n`);
    return 2;
  }
  const reference = parsePushReference(ref);
  if (reference === null) {
    io.stderr('latchkey push: not a transaction id, link token or approval URL\n');
    return 2;
  }
  const config = loadConfig(readEnvWithDotenv(io.env));
  const database = await openDatabase(config.databaseUrl);
  try {
    await database.migrate();
    const stores = createSqlStores(database);
    const clock = io.clock ?? systemClock;
    const events = new AuditLog({ store: stores.events, clock, random: cryptoRandom, logger: silentLogger });
    const approvals = new PushApprovals({ transactions: stores.pushTransactions, factors: stores.factors, clock, logger: silentLogger, events });
    const decision: PushDecision = action;
    const outcome = await approvals.answer(reference, decision, { ip: '127.0.0.1', userAgent: 'latchkey-cli', requestId: null });
    if (outcome === null) {
      io.stderr('latchkey push: no such push request\n');
      return 1;
    }
    const tx = outcome.transaction;
    const what = tx.purpose === 'activate' ? 'enrolment' : 'sign-in';
    if (!outcome.answered) {
      io.stderr(`latchkey push: ${what} request ${tx.id} not answered: it is ${outcome.result}\n`);
      return 1;
    }
    io.stdout(`${decision === 'approve' ? 'Approved' : 'Denied'} ${what} request ${tx.id} (factor ${tx.factorId}, requested ${tx.createdAt.toISOString()} from ${tx.requestIp ?? 'unknown'})\n`);
    return 0;
  } finally {
    await database.close();
  }
}

export const pushCliCommand: CliCommand = {
  summary: 'approve or deny a push request as the device (push approve|deny <ref>)',
  run: pushCommand,
};
