import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-oidc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env: { DATA_DIR: dir, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

describe('latchkey keys / clients', () => {
  it('rotates keys (the old one stays published) with the key encryption key generated into secrets.json', async () => {
    const first = await cli('keys', 'rotate', '--json');
    expect(first.code, first.stderr).toBe(0);
    const second = await cli('keys', 'rotate', '--json');
    const { kid } = JSON.parse(second.stdout) as { kid: string; retired: number };
    const list = JSON.parse((await cli('keys', 'list', '--json')).stdout) as Array<{ kid: string; retired: string | null; published: boolean }>;
    expect(list.filter((k) => k.retired === null).map((k) => k.kid)).toEqual([kid]);
    expect(list.every((k) => k.published)).toBe(true);
    const secrets = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(secrets.oidcKeyEncryptionKey?.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('creates confidential and public clients, lists them without secrets and deletes them', async () => {
    const web = await cli('clients', 'create', '--name', 'web', '--redirect-uri', 'https://a.example.com/cb', '--grant-type', 'authorization_code', '--grant-type', 'refresh_token', '--json');
    expect(web.code, web.stderr).toBe(0);
    const created = JSON.parse(web.stdout) as { client_id: string; client_secret: string };
    expect(created.client_secret.length).toBeGreaterThanOrEqual(43);
    const spa = await cli('clients', 'create', '--name', 'spa', '--redirect-uri', 'https://a.example.com/cb', '--public');
    expect(spa.stdout).toMatch(/^Created public client 0oa/);
    const list = await cli('clients', 'list');
    expect(list.stdout).toContain(created.client_id);
    expect(list.stdout).not.toContain(created.client_secret);
    expect((await cli('clients', 'delete', created.client_id)).code).toBe(0);
    expect((await cli('clients', 'delete', created.client_id)).code).toBe(1);
    expect((await cli('clients', 'create', '--name', 'x')).code).toBe(1);
    expect((await cli('clients', 'bogus')).code).toBe(2);
  });
});
