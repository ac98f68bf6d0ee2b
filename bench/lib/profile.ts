import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { REPO } from './children.js';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  where: string;
  selfMs: number;
  /** Share of the non-idle sampled time. */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  scenario: string;
  /** Whether only the scenario's window was counted (else the whole process life, startup and seeding included). */
  windowed: boolean;
  sampledMs: number;
  idleMs: number;
  topFunctions: ProfileEntry[];
  /** Self time grouped by where the code lives: a package, Node's internals, Latchkey's dist/, or V8/native. */
  byOrigin: ProfileEntry[];
}

function where(url: string): string {
  if (url === '') return '';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  return path.startsWith('/') ? relative(REPO, path) : path;
}

function origin(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node: internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  if (url.includes('/dist/')) return 'latchkey (dist/)';
  return where(url);
}

/** CLOCK_MONOTONIC in microseconds: the clock V8 stamps profile samples with on Linux. */
export const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * Self time per function and per origin from a V8 .cpuprofile (the main thread only: argon2 runs
 * elsewhere). With `window` (monotonic µs), only samples inside it count: the scenario without the
 * server's startup and the seeding.
 */
export function summarizeProfile(file: string, scenario: string, window?: { from: number; to: number }, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const count = (inWindow: (t: number) => boolean) => {
    const self = new Map<number, number>();
    let t = profile.startTime;
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      t += delta;
      if (inWindow(t)) self.set(id, (self.get(id) ?? 0) + delta);
    });
    return self;
  };
  let windowed = window !== undefined;
  let selfUs = window === undefined ? count(() => true) : count((t) => t >= window.from && t <= window.to);
  if (selfUs.size === 0) {
    // The clocks did not line up (not Linux?): the whole profile rather than nothing.
    windowed = false;
    selfUs = count(() => true);
  }

  const functions = new Map<string, { name: string; where: string; us: number }>();
  const origins = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    totalUs += us;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const name = functionName || '(anonymous)';
    const loc = url === '' ? '' : `${where(url)}:${lineNumber + 1}`;
    const key = `${name}@${loc}`;
    const entry = functions.get(key) ?? { name, where: loc, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const o = origin(url, functionName);
    origins.set(o, (origins.get(o) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const toEntry = (name: string, loc: string, us: number): ProfileEntry => ({
    name,
    where: loc,
    selfMs: us / 1000,
    percent: busyUs > 0 ? (100 * us) / busyUs : 0,
  });
  return {
    file: relative(REPO, file),
    scenario,
    windowed,
    sampledMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    topFunctions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => toEntry(f.name, f.where, f.us)),
    byOrigin: [...origins.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([name, us]) => toEntry(name, '', us)),
  };
}
