import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePushReference } from '../../src/cli/push-command.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createApiToken } from '../support/okta-sdk.js';
import { pushPagePath } from '../support/push-page.js';

const MODULE = pathToFileURL(fileURLToPath(new URL('../../src/cli/push-command.ts', import.meta.url))).href;

/** `latchkey push …` in a child process, against the harness's SQLite file (as the device, on the same host). */
function runCli(h: Harness, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `const { pushCommand } = await import(${JSON.stringify(MODULE)});
    process.exitCode = await pushCommand(process.argv.slice(1), { env: process.env,
      stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATA_DIR: h.config.dataDir, DATABASE_URL: h.config.databaseUrl, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('latchkey push approve|deny (child process, SQLite DATA_DIR)', () => {
  let h: Harness;
  let auth: Record<string, string>;

  beforeAll(async () => {
    h = await startHarness();
    auth = { authorization: `SSWS ${(await createApiToken(h, 'cli')).token}` };
  });
  afterAll(async () => {
    await h.close();
  });

  it('parses transaction ids, link tokens and approval URLs', () => {
    expect(parsePushReference('v2mst.0123456789ABCDEFGHIJKL')).toEqual({ transactionId: 'v2mst.0123456789ABCDEFGHIJKL' });
    const token = 'a'.repeat(43);
    expect(parsePushReference(token)).toEqual({ linkToken: token });
    expect(parsePushReference(`http://localhost:3000/authenticator/push/${token}?answer=approve`)).toEqual({ linkToken: token });
    expect(parsePushReference('nope')).toBeNull();
  });

  it('enrols a push factor by approving its activation link, then answers sign-in pushes by transaction id', async () => {
    const email = `cli.${process.pid}.${Date.now().toString(36)}@example.com`;
    const created = await h.post('/api/v1/users?activate=true', { profile: { firstName: 'Cli', lastName: 'User', email, login: email }, credentials: { password: { value: 'Tr0ub4dor&3-horse' } } }, auth);
    expect(created.status, created.text).toBe(200);
    const userId = String(created.body.id);

    let after = h.sink.messages.length;
    const enrolled = await h.post(`/api/v1/users/${userId}/factors`, { factorType: 'push', provider: 'OKTA' }, auth);
    expect(enrolled.status, enrolled.text).toBe(200);
    const factorId = String(enrolled.body.id);
    const activationMail = await h.sink.waitForMail(email, { after });
    const url = `${h.config.publicUrl}${pushPagePath(activationMail)}?answer=approve`;

    const usage = await runCli(h, ['approve']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: latchkey push');

    const activated = await runCli(h, ['approve', url]);
    expect(activated.code, activated.stderr).toBe(0);
    expect(activated.stdout).toMatch(/^Approved enrolment request v2mst\./);
    expect((await h.call('GET', `/api/v1/users/${userId}/factors/${factorId}`, undefined, auth)).body.status).toBe('ACTIVE');
    // The link is single use.
    const again = await runCli(h, ['deny', url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('SUCCESS');

    after = h.sink.messages.length;
    const denied = await h.post(`/api/v1/users/${userId}/factors/${factorId}/verify`, undefined, auth);
    expect(denied.status, denied.text).toBe(201);
    const deniedPoll = new URL((denied.body._links as { poll: { href: string } }).poll.href).pathname;
    const deniedId = decodeURIComponent(deniedPoll.split('/transactions/')[1] ?? '');
    await h.sink.waitForMail(email, { after });
    const deny = await runCli(h, ['deny', deniedId]);
    expect(deny.code, deny.stderr).toBe(0);
    expect((await h.call('GET', deniedPoll, undefined, auth)).body.factorResult).toBe('REJECTED');

    const approved = await h.post(`/api/v1/users/${userId}/factors/${factorId}/verify`, undefined, auth);
    const approvedPoll = new URL((approved.body._links as { poll: { href: string } }).poll.href).pathname;
    const approvedId = decodeURIComponent(approvedPoll.split('/transactions/')[1] ?? '');
    expect((await h.call('GET', approvedPoll, undefined, auth)).body.factorResult).toBe('WAITING');
    const approve = await runCli(h, ['approve', approvedId]);
    expect(approve.code, approve.stderr).toBe(0);
    expect((await h.call('GET', approvedPoll, undefined, auth)).body).toEqual({ factorResult: 'SUCCESS' });

    const unknown = await runCli(h, ['approve', 'v2mst.0000000000000000000000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no such push request');
  }, 180_000);
});
