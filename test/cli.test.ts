import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiTokenService } from '../src/core/apitokens/api-token-service.js';
import { cryptoRandom } from '../src/core/random.js';
import { systemClock } from '../src/core/clock.js';
import { openDatabase } from '../src/storage/sql/database.js';
import { createSqlStores } from '../src/storage/sql/sql-stores.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `node --import tsx src/cli.ts …` (= `npx tsx src/cli.ts …`) as a child process, with its own DATA_DIR (SQLite) and no inherited DATABASE_URL. */
function cli(dataDir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('latchkey CLI: tokens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a token (shown once), lists it without the secret, and revokes it', async () => {
    const created = await cli(dir, 'tokens', 'create', '--name', 'ci deploy', '--json');
    expect(created.code, created.stderr).toBe(0);
    const body = JSON.parse(created.stdout) as { id: string; name: string; token: string; revoked: null };
    expect(body).toMatchObject({ name: 'ci deploy', revoked: null });
    expect(body.id).toMatch(/^00T[0-9A-Za-z]{17}$/);
    expect(body.token).toMatch(/^00[0-9A-Za-z]{40}$/);

    const human = await cli(dir, 'tokens', 'create', '--name', 'second');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Created API token 00T\w{17} \(second\)\. It is shown only now; store it safely:\n00\w{40}\n$/);

    // The database the CLI wrote (DATA_DIR/latchkey.db) accepts the token as the server would, and holds only its hash.
    const database = await openDatabase(`sqlite:${join(dir, 'latchkey.db')}`);
    try {
      const stores = createSqlStores(database);
      const service = new ApiTokenService({ store: stores.apiTokens, clock: systemClock, random: cryptoRandom });
      expect(await service.authenticate(body.token)).toEqual({ id: body.id, name: 'ci deploy' });
      const rows = await database.db.selectFrom('api_tokens').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(body.token);
    } finally {
      await database.close();
    }

    const list = await cli(dir, 'tokens', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toBe('ID\tSTATUS\tCREATED\tLAST USED\tNAME');
    expect(list.stdout).toContain(`${body.id}\tACTIVE\t`);
    expect(list.stdout).not.toContain(body.token);

    const revoked = await cli(dir, 'tokens', 'revoke', body.id);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked API token ${body.id}.\n` });
    expect((await cli(dir, 'tokens', 'revoke', body.id)).code).toBe(1);
    const listed = JSON.parse((await cli(dir, 'tokens', 'list', '--json')).stdout) as { id: string; revoked: string | null; lastUsed: string | null }[];
    expect(listed.find((t) => t.id === body.id)?.revoked).toMatch(/^\d{4}-/);
    expect(listed.find((t) => t.id === body.id)?.lastUsed).toMatch(/^\d{4}-/);
    expect(listed).toHaveLength(2);
  }, 60_000);

  it('answers usage errors with exit code 2', async () => {
    expect((await cli(dir, 'tokens', 'create')).code).toBe(2);
    expect((await cli(dir, 'tokens', 'create', '--name', 'x', '--bogus')).code).toBe(2);
    expect((await cli(dir, 'tokens', 'revoke')).code).toBe(2);
    const unknown = await cli(dir, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('tokens');
    expect((await cli(dir, '--help')).code).toBe(0);
  }, 60_000);
});
