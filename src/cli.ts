#!/usr/bin/env node
import { ConfigError } from './config/config.js';
import type { CliCommand, CliIo } from './cli/cli-command.js';
import { tokensCommand } from './cli/tokens-command.js';
import { keysCommand } from './cli/keys-command.js';
import { clientsCommand } from './cli/clients-command.js';
import { pushCliCommand } from './cli/push-command.js';

/**
 * `latchkey <command> …`: administration from the shell, against the same configuration and
 * database as the server (run it from the server's working directory, or set DATA_DIR /
 * DATABASE_URL). `npx tsx src/cli.ts …` in development, `node dist/cli.js …` after a build.
 * Add a command with one line here and a module in src/cli/.
 */
export const COMMANDS: Record<string, CliCommand> = {
  tokens: tokensCommand,
  keys: keysCommand,
  clients: clientsCommand,
  push: pushCliCommand,
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: latchkey <command> [arguments]\n\ncommands:\n${lines.join('\n')}\n\nlatchkey <command> --help shows a command's usage.`;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    io.stderr(`${name === undefined || name === '--help' || name === 'help' ? '' : `latchkey: unknown command "${name}"\n`}${usage()}\n`);
    return name === '--help' || name === 'help' ? 0 : 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`latchkey: ${error.message}\nSee docs/configuration.md.\n`);
      return 2;
    }
    io.stderr(`latchkey ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

// Run only as the entry point (node dist/cli.js, tsx src/cli.ts), not when imported by tests.
const entry = process.argv[1] ?? '';
if (/[\\/]cli\.(js|ts)$/.test(entry)) {
  runCli(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`latchkey: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
