import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from './cli-command.js';
import { withOidc } from './oidc-cli.js';

export const KEYS_USAGE = `usage: latchkey keys rotate [--json]
       latchkey keys list [--json]

The OpenID Connect provider's RS256 signing keys. \`rotate\` adds a key that signs from now on; the
previous keys stay published in /keys for OIDC_KEY_GRACE_SECONDS, then leave. Running servers pick
up the new key within 30 s.`;

const iso = (d: Date | null) => (d === null ? '-' : d.toISOString());

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  let json: boolean;
  try {
    const parsed = parseArgs({ args: [...rest], allowPositionals: false, strict: true, options: { json: { type: 'boolean' } } });
    json = parsed.values.json === true;
  } catch (error) {
    io.stderr(`latchkey keys: ${(error as Error).message}\n${KEYS_USAGE}\n`);
    return 2;
  }
  if (action === 'rotate') {
    const { kid, retired } = await withOidc(io, async ({ keys }) => {
      await keys.ensureKey();
      return keys.rotate();
    });
    if (json) io.stdout(`${JSON.stringify({ kid, retired })}\n`);
    else io.stdout(`New signing key ${kid}; ${retired} previous key(s) stay published through the grace period.\n`);
    return 0;
  }
  if (action === 'list') {
    const list = await withOidc(io, ({ keys }) => keys.list());
    if (json) {
      io.stdout(`${JSON.stringify(list.map((k) => ({ kid: k.kid, created: k.createdAt.toISOString(), retired: k.retiredAt?.toISOString() ?? null, removeAt: k.removeAt?.toISOString() ?? null, published: k.published })))}\n`);
    } else {
      io.stdout(`${['KID', 'STATUS', 'CREATED', 'LEAVES JWKS'].join('\t')}\n`);
      for (const k of list) io.stdout(`${[k.kid, k.retiredAt === null ? 'SIGNING' : k.published ? 'RETIRED' : 'GONE', iso(k.createdAt), iso(k.removeAt)].join('\t')}\n`);
    }
    return 0;
  }
  io.stderr(`${KEYS_USAGE}\n`);
  return 2;
}

export const keysCommand: CliCommand = { summary: 'rotate and list the OIDC signing keys', run };
