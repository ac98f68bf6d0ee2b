import autocannon from 'autocannon';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSnapshot, otherCpuCores } from './cpu.js';

/** One measured load phase, whatever produced it (autocannon, a custom loop, an in-process loop). */
export interface Measurement {
  /** Successful operations per second over the measured window. */
  rps: number;
  /** Latency percentiles in milliseconds (float), or null when the scenario has no per-request latency. */
  p50: number | null;
  p99: number | null;
  /** Successful operations counted. */
  ok: number;
  /** Non-2xx answers, connection errors and timeouts: any of them makes the row suspect. */
  failures: number;
  durationSeconds: number;
  connections: number | null;
  /** Cores' worth of CPU that processes outside the benchmark used meanwhile (shared machine). */
  otherCpuCores?: number | null;
  notes?: string[];
}

export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpLoadSpec {
  /** Base URL, loopback only. */
  baseUrl: string;
  /** Requests, cycled through by each connection. */
  requests: HttpRequestSpec[];
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Cap on the total request rate (req/s) for latency-under-load phases; unset: as fast as possible. */
  overallRate?: number;
  /** Measured windows after the warm-up, the best kept; unset: the runner's --repeat. */
  repeat?: number;
}

let defaultRepeat = 1;

/**
 * --repeat: every measurement becomes the best of N back-to-back windows (after one warm-up). On a
 * machine shared with other work, the best window is the one least disturbed by it.
 */
export function setDefaultRepeat(repeat: number): void {
  defaultRepeat = Math.max(1, Math.floor(repeat));
}

/** The best (highest throughput) of several windows, with the others noted. */
function best(windows: Measurement[]): Measurement {
  const sorted = [...windows].sort((a, b) => b.rps - a.rps);
  const top = sorted[0];
  if (top === undefined) throw new Error('no measurement window');
  if (windows.length === 1) return top;
  const all = windows.map((w) => w.rps.toFixed(1)).join(', ');
  return {
    ...top,
    failures: windows.reduce((sum, w) => sum + w.failures, 0),
    notes: [...(top.notes ?? []), `best of ${windows.length} windows (${all}/s)`],
  };
}

const LOOPBACK = /^https?:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d+)?(\/|$)/;

/** The network rule of this workplace, enforced where the traffic starts: only loopback is load-tested. */
export function assertLoopback(url: string): void {
  if (!LOOPBACK.test(url)) throw new Error(`refusing to send load to ${url}: only loopback addresses may be load-tested`);
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? null;
}

interface CannonRun {
  result: autocannon.Result;
  /** Latencies of 2xx answers in ms with sub-millisecond precision (autocannon's own histogram is whole ms). */
  latencies: number[];
}

async function cannon(spec: HttpLoadSpec, durationSeconds: number, record: boolean): Promise<CannonRun> {
  assertLoopback(spec.baseUrl);
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolveRun, reject) => {
    const options: autocannon.Options = {
      url: spec.baseUrl,
      connections: spec.connections,
      duration: durationSeconds,
      pipelining: 1,
      timeout: 10,
      requests: spec.requests.map((r) => ({
        method: r.method,
        path: r.path,
        ...(r.headers ? { headers: r.headers } : {}),
        ...(r.body !== undefined ? { body: r.body } : {}),
      })),
      ...(spec.overallRate !== undefined ? { overallRate: spec.overallRate } : {}),
    };
    const instance = autocannon(options, (error: unknown, res: autocannon.Result) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolveRun(res);
    });
    if (record) {
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      });
    }
  });
  return { result, latencies };
}

/** Warm-up (discarded), then a fixed-duration run with fixed connections. */
export async function runHttpLoad(spec: HttpLoadSpec): Promise<Measurement> {
  if (spec.warmupSeconds > 0) await cannon(spec, spec.warmupSeconds, false);
  const windows: Measurement[] = [];
  for (let i = 0; i < (spec.repeat ?? defaultRepeat); i++) {
    const cpu = cpuSnapshot();
    const { result, latencies } = await cannon(spec, spec.durationSeconds, true);
    windows.push({ ...toMeasurement(result, latencies, spec.connections), otherCpuCores: otherCpuCores(cpu, availableParallelism()) });
  }
  return best(windows);
}

/** Starts a load phase now and returns its promise; for phases that must overlap (the login storm). */
export function startHttpLoad(spec: HttpLoadSpec): Promise<Measurement> {
  return cannon(spec, spec.durationSeconds, true).then(({ result, latencies }) =>
    toMeasurement(result, latencies, spec.connections),
  );
}

function toMeasurement(result: autocannon.Result, latencies: number[], connections: number): Measurement {
  latencies.sort((a, b) => a - b);
  const ok = result['2xx'];
  const notes: string[] = [];
  const failures = result.non2xx + result.errors;
  if (failures > 0) {
    const codes = Object.entries(result.statusCodeStats ?? {})
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, v]) => `${code}×${v.count ?? 0}`)
      .join(', ');
    notes.push(`${result.non2xx} non-2xx (${codes || 'none'}), ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return {
    rps: ok / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ok,
    failures,
    durationSeconds: result.duration,
    connections,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

export interface LoopSpec {
  /** Workers running `iteration` back to back. */
  concurrency: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** One operation for worker `worker`; throws on failure. */
  iteration: (worker: number) => Promise<void>;
  /** Hard stop on failures, so a broken server does not spin for the whole duration. */
  maxFailures?: number;
}

/**
 * Bounded concurrency loop for multi-request journeys that autocannon cannot express: each worker
 * runs iterations back to back until the deadline; only the ones that end inside the
 * measured window count.
 */
export async function runLoop(spec: LoopSpec): Promise<Measurement> {
  const windows: Measurement[] = [];
  for (let i = 0; i < defaultRepeat; i++) windows.push(await loopWindow({ ...spec, warmupSeconds: i === 0 ? spec.warmupSeconds : 0 }));
  return best(windows);
}

async function loopWindow(spec: LoopSpec): Promise<Measurement> {
  const maxFailures = spec.maxFailures ?? 20;
  let failures = 0;
  let firstError: unknown;
  const latencies: number[] = [];
  const start = performance.now();
  const measureFrom = start + spec.warmupSeconds * 1000;
  const measureUntil = measureFrom + spec.durationSeconds * 1000;
  let ok = 0;
  let cpu: ReturnType<typeof cpuSnapshot> = null;
  const cpuTimer = setTimeout(() => {
    cpu = cpuSnapshot();
  }, spec.warmupSeconds * 1000);
  const worker = async (index: number) => {
    // Bounded: the deadline, and at most a million iterations per worker.
    for (let i = 0; i < 1_000_000 && performance.now() < measureUntil && failures < maxFailures; i++) {
      const began = performance.now();
      try {
        await spec.iteration(index);
      } catch (error) {
        failures++;
        firstError ??= error;
        await sleep(50);
        continue;
      }
      const ended = performance.now();
      if (ended >= measureFrom && ended <= measureUntil) {
        ok++;
        latencies.push(ended - began);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, (_, i) => worker(i)));
  clearTimeout(cpuTimer);
  if (failures >= maxFailures) {
    throw new Error(`stopped after ${failures} failed iterations; first: ${describe(firstError)}`);
  }
  latencies.sort((a, b) => a - b);
  return {
    rps: ok / spec.durationSeconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ok,
    failures,
    durationSeconds: spec.durationSeconds,
    connections: spec.concurrency,
    otherCpuCores: otherCpuCores(cpu, availableParallelism()),
    ...(failures > 0 ? { notes: [`${failures} failed iterations; first: ${describe(firstError)}`] } : {}),
  };
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
