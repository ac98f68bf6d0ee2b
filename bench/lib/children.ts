import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { openSync, readFileSync, closeSync, rmSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

/**
 * Every child process and temp folder the runner creates is registered here, so that they are
 * removed on a normal exit, on an error and on SIGINT/SIGTERM. Children also carry an IPC channel
 * and bench/lib/parent-watch.mjs ends them if the runner dies without cleaning up (kill -9).
 */
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let handlersInstalled = false;

export const REPO = resolve(import.meta.dirname, '..', '..');
export const PARENT_WATCH = pathToFileURL(join(REPO, 'bench', 'lib', 'parent-watch.mjs')).href;

export function installCleanupHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
      // Asynchronous clean-ups (e.g. dropping the PostgreSQL schema) get 5 s; the exit handler kills the rest.
      const pending = [...interruptCleanups].map((cleanup) => cleanup().catch(() => undefined));
      void Promise.race([Promise.all(pending), sleep(5_000)]).then(() => process.exit(130));
    });
  }
}

const interruptCleanups = new Set<() => Promise<void>>();

/** Registers a clean-up to run if the run is interrupted; call the returned function once it is no longer needed. */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  interruptCleanups.add(cleanup);
  return () => interruptCleanups.delete(cleanup);
}

/** The runner and its live children, for CPU accounting. */
export function ownPids(): number[] {
  const pids = [process.pid];
  for (const child of children) if (child.pid !== undefined && child.exitCode === null) pids.push(child.pid);
  return pids;
}

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `latchkey-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface Child {
  name: string;
  process: ChildProcess;
  logPath: string;
  pid: number;
  /** Last lines of the child's output, for error messages. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartChildOptions {
  name: string;
  args: string[];
  env?: Record<string, string | undefined>;
  /** Folder for the child's log file. */
  logDir: string;
  cwd?: string;
}

/** Starts `node <args>` with stdout and stderr going to a log file (never through the runner's event loop). */
export function startNode(options: StartChildOptions): Child {
  const logPath = join(options.logDir, `${options.name.replace(/[^a-z0-9-]+/gi, '_')}.log`);
  const fd = openSync(logPath, 'a');
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', fd, fd, 'ipc'],
    detached: false,
  };
  const child = spawn(process.execPath, ['--import', PARENT_WATCH, ...options.args], spawnOptions);
  closeSync(fd);
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolveExit({ code, signal });
    });
  });
  child.once('error', () => children.delete(child));
  const logTail = (lines = 30) => {
    try {
      return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  return {
    name: options.name,
    process: child,
    logPath,
    pid: child.pid ?? -1,
    logTail,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = sleep(graceMs).then(() => 'timeout' as const);
      const result = await Promise.race([exited.then(() => 'exited' as const), timer]);
      if (result === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Polls `url` until it answers 2xx; fails early if the child exits, and after `timeoutMs`. */
export async function waitForHttp(child: Child, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.name} exited before it was ready. Its log (${child.logPath}):\n${child.logTail()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms. Its log (${child.logPath}):\n${child.logTail()}`);
}

/** Reads a child's resident set size (kB → bytes) from /proc; undefined where /proc is missing. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}
