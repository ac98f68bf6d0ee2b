import type { MemoryResult } from '../scenarios/memory.js';
import type { StormResult } from '../scenarios/storm.js';
import type { Measurement } from './load.js';
import { contention, machineLine, type Machine } from './machine.js';
import type { BenchOptions } from './options.js';
import type { ProfileSummary } from './profile.js';

export interface ComparisonResult {
  reference: string;
  referenceTitle: string;
  targetText: string;
  target: number;
  ratio: number | null;
  met: boolean | null;
}

export interface Row {
  kind: 'latchkey' | 'reference';
  id: string;
  title: string;
  /** 'sqlite', 'postgres+redis'; null for references. */
  backend: string | null;
  status: 'ok' | 'pending' | 'error';
  measurement?: Measurement;
  /** Why pending, or the error. */
  message?: string;
  note?: string;
  comparisons: ComparisonResult[];
}

export interface BenchResult {
  version: 1;
  runId: string;
  startedAt: string;
  finishedAt: string;
  totalSeconds: number;
  machine: Machine;
  options: BenchOptions;
  rows: Row[];
  storms: { backend: string; result?: StormResult; error?: string }[];
  memory: { backend: string; result?: MemoryResult; error?: string }[];
  profiles: ProfileSummary[];
  profileError?: string;
}

const f0 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const f1 = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const f2 = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const rate = (n: number) => (n >= 100 ? f0(n) : f1(n));
const ms = (n: number | null | undefined) => (n === null || n === undefined ? '–' : n >= 100 ? f0(n) : n >= 10 ? f1(n) : f2(n));
const pct = (r: number | null) => (r === null ? '–' : `${f0(r * 100)} %`);
const mib = (bytes: number | null) => (bytes === null ? '–' : `${f1(bytes / 2 ** 20)} MiB`);
const cores = (n: number | null | undefined) => (n === null || n === undefined ? '–' : f2(n));
const metText = (met: boolean | null) => (met === null ? 'n/a' : met ? 'met' : 'NOT met');

/** Ratios of every Latchkey row against the references measured in the same run. */
export function compare(rows: Row[], comparisonsOf: (id: string) => { reference: string; target: number; targetText: string }[]): void {
  const refs = new Map(rows.filter((r) => r.kind === 'reference').map((r) => [r.id, r]));
  for (const row of rows) {
    if (row.kind !== 'latchkey') continue;
    row.comparisons = comparisonsOf(row.id).map((c) => {
      const ref = refs.get(c.reference);
      const ratio =
        row.measurement !== undefined && ref?.measurement !== undefined && ref.measurement.rps > 0
          ? row.measurement.rps / ref.measurement.rps
          : null;
      return {
        reference: c.reference,
        referenceTitle: ref?.title ?? c.reference,
        target: c.target,
        targetText: c.targetText,
        ratio,
        met: ratio === null ? null : ratio >= c.target,
      };
    });
  }
}

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function ratioCell(row: Row): string {
  if (row.status === 'pending') return row.message ?? 'pending';
  if (row.status === 'error') return `ERROR: ${row.message ?? ''}`.slice(0, 120);
  return row.comparisons
    .map((c) => (c.ratio === null ? `${c.reference} not measured` : `${pct(c.ratio)} of ${c.reference} (${c.targetText}: ${metText(c.met)})`))
    .join('; ');
}

/** The stdout table. */
export function textReport(result: BenchResult): string {
  const body = result.rows.map((r) => [
    r.kind === 'reference' ? `ref: ${r.id}` : r.id,
    r.backend ?? '',
    r.measurement ? rate(r.measurement.rps) : '–',
    ms(r.measurement?.p50),
    ms(r.measurement?.p99),
    ratioCell(r),
  ]);
  const out = [table(['scenario', 'backend', 'req/s', 'p50 ms', 'p99 ms', 'ratio vs reference'], body)];
  for (const s of result.storms) {
    if (s.result) {
      const r = s.result;
      out.push(
        `storm [${s.backend}]: /api/sso/verify at ${r.verifyRate} req/s: p99 ${ms(r.idle.p99)} ms alone, ${ms(r.underStorm.p99)} ms under ` +
          `${rate(r.logins.rps)} logins/s (target < ${r.targetP99Ms} ms: ${metText(r.met)})`,
      );
    } else out.push(`storm [${s.backend}]: ERROR ${s.error ?? ''}`);
  }
  for (const m of result.memory) {
    if (m.result) {
      const r = m.result;
      out.push(
        `memory [${m.backend}]: ${mib(r.storageBytesPer100k)} of ${r.dialect} storage per 100,000 live sessions; ` +
          `server RSS ${mib(r.serverRssBefore)} → ${mib(r.serverRssAfter)} (${mib(r.serverRssDelta)})`,
      );
    } else out.push(`memory [${m.backend}]: ERROR ${m.error ?? ''}`);
  }
  for (const profile of result.profiles) {
    out.push(`profile of ${profile.scenario}: ${profile.file}`);
    for (const e of profile.topFunctions.slice(0, 10)) out.push(`  ${f1(e.percent).padStart(5)} %  ${e.name}  ${e.where}`);
  }
  if (result.profileError) out.push(`profile: ERROR ${result.profileError}`);
  const busy = contention(result.machine);
  if (busy !== null) out.push(`WARNING: ${busy}`);
  out.push(`total ${f0(result.totalSeconds)} s`);
  return out.join('\n');
}

const esc = (s: string) => s.replace(/\|/g, '\\|');

/** The generated block of BENCHMARKS.md. */
export function markdownResults(result: BenchResult): string {
  const o = result.options;
  const lines: string[] = [];
  lines.push(`Generated by \`npm run bench\` on ${result.finishedAt.slice(0, 16).replace('T', ' ')} UTC; the run took ${f0(result.totalSeconds)} s.`);
  lines.push('');
  lines.push(`**Machine:** ${machineLine(result.machine)}.`);
  const busy = contention(result.machine);
  if (busy !== null) lines.push('', `**Warning:** ${busy}.`);
  lines.push('');
  lines.push(
    `**Settings:** ${o.warmupSeconds} s warm-up, ${o.repeat > 1 ? `best of ${o.repeat} windows of ${o.durationSeconds} s` : `${o.durationSeconds} s measured`}, ${o.connections} autocannon connections, ` +
      `${o.journeyConcurrency} journeys in flight, ${o.loginUsers} login users, server LOG_LEVEL=${o.logLevel}. ` +
      `Latencies are client-side (autocannon / fetch in the runner process), in milliseconds. ` +
      `"Other CPU" is how many cores' worth of CPU processes outside the benchmark used during the measured window ` +
      `(from /proc): on a shared machine, the higher it is, the lower and noisier the row.`,
  );
  lines.push('');
  lines.push('### Latchkey');
  lines.push('');
  lines.push('| scenario | backend | req/s | p50 ms | p99 ms | other CPU | compared with | ratio | target | met |');
  lines.push('|---|---|--:|--:|--:|--:|---|--:|---|---|');
  for (const r of result.rows.filter((x) => x.kind === 'latchkey')) {
    const base = `| ${esc(r.title)} | ${r.backend ?? ''} | ${r.measurement ? rate(r.measurement.rps) : '–'} | ${ms(r.measurement?.p50)} | ${ms(r.measurement?.p99)} | ${cores(r.measurement?.otherCpuCores)}`;
    if (r.status !== 'ok') {
      const why = r.status === 'pending' ? `pending: ${r.message ?? ''}` : `error: ${r.message ?? ''}`;
      const cmp = r.comparisons.map((c) => c.reference).join(', ') || '–';
      lines.push(`${base} | ${esc(cmp)} | – | ${esc(why)} | – |`);
    } else if (r.comparisons.length === 0) lines.push(`${base} | – | – | – | – |`);
    else {
      for (const c of r.comparisons) lines.push(`${base} | ${c.reference} | ${pct(c.ratio)} | ${esc(c.targetText)} | ${metText(c.met)} |`);
    }
    for (const note of r.measurement?.notes ?? []) lines.push(`| ↳ ${esc(note)} | | | | | | | | | |`);
  }
  lines.push('');
  lines.push('### References (same run, same machine)');
  lines.push('');
  lines.push('| id | reference | req/s | p50 ms | p99 ms | other CPU | how |');
  lines.push('|---|---|--:|--:|--:|--:|---|');
  for (const r of result.rows.filter((x) => x.kind === 'reference')) {
    const how = r.status === 'error' ? `ERROR: ${r.message ?? ''}` : (r.note ?? '');
    lines.push(
      `| ${r.id} | ${esc(r.title)} | ${r.measurement ? rate(r.measurement.rps) : '–'} | ${ms(r.measurement?.p50)} | ${ms(r.measurement?.p99)} | ${cores(r.measurement?.otherCpuCores)} | ${esc(how)} |`,
    );
  }
  lines.push('');
  lines.push('### Targets');
  lines.push('');
  lines.push('| target | backend | measured | met |');
  lines.push('|---|---|---|---|');
  for (const r of result.rows.filter((x) => x.kind === 'latchkey')) {
    for (const c of r.comparisons) {
      const measured = r.status === 'pending' ? `pending (${r.message ?? ''})` : c.ratio === null ? 'not measured' : pct(c.ratio);
      lines.push(`| ${esc(r.title)}: ${esc(c.targetText)} | ${r.backend ?? ''} | ${esc(measured)} | ${r.status === 'pending' ? '–' : metText(c.met)} |`);
    }
  }
  for (const s of result.storms) {
    const measured = s.result ? `p99 ${ms(s.result.underStorm.p99)} ms` : `error: ${s.error ?? ''}`;
    lines.push(`| /api/sso/verify p99 under a login storm < 20 ms | ${s.backend} | ${esc(measured)} | ${metText(s.result?.met ?? null)} |`);
  }
  lines.push('');
  lines.push('### /api/sso/verify under a login storm');
  lines.push('');
  lines.push('| backend | verify rate | p50 alone | p99 alone | p50 in storm | p99 in storm | logins/s in storm | login p99 | target p99 < 20 ms |');
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|---|');
  for (const s of result.storms) {
    if (!s.result) {
      lines.push(`| ${s.backend} | error: ${esc(s.error ?? '')} | | | | | | | |`);
      continue;
    }
    const r = s.result;
    lines.push(
      `| ${s.backend} | ${r.verifyRate} req/s | ${ms(r.idle.p50)} | ${ms(r.idle.p99)} | ${ms(r.underStorm.p50)} | ${ms(r.underStorm.p99)} | ` +
        `${rate(r.logins.rps)} (${o.stormConnections} conn.) | ${ms(r.logins.p99)} | ${metText(r.met)} |`,
    );
  }
  lines.push('');
  lines.push(`### Memory per 100,000 live sessions`);
  lines.push('');
  lines.push('| backend | sessions created | storage per 100k | server RSS before → after | insert time | method |');
  lines.push('|---|--:|--:|---|--:|---|');
  for (const m of result.memory) {
    if (!m.result) {
      lines.push(`| ${m.backend} | error: ${esc(m.error ?? '')} | | | | |`);
      continue;
    }
    const r = m.result;
    lines.push(
      `| ${m.backend} | ${f0(r.sessions)} (${r.sampleAccepted}/${r.sampleChecked} sampled accepted by /api/user) | ${mib(r.storageBytesPer100k)} | ` +
        `${mib(r.serverRssBefore)} → ${mib(r.serverRssAfter)} (${r.serverRssDelta !== null && r.serverRssDelta >= 0 ? '+' : ''}${mib(r.serverRssDelta)}) | ${f1(r.insertSeconds)} s | ${esc(r.method)} |`,
    );
  }
  return lines.join('\n');
}

/** The generated profile block of BENCHMARKS.md. */
export function markdownProfile(profile: ProfileSummary, runId: string): string {
  const lines: string[] = [];
  lines.push(`#### ${profile.scenario}`, '');
  lines.push(
    `Run \`${runId}\`: \`node --cpu-prof\` of the server during this scenario ` +
      (profile.windowed ? '(samples of the warm-up and measured time only; startup and seeding left out). ' : '(whole process life, startup and seeding included). ') +
      `Main thread only (argon2id runs on libuv's pool and does not appear). Sampled ${f0(profile.sampledMs)} ms, ` +
      `of which ${f0(profile.idleMs)} ms idle; percentages are of the busy time.`,
  );
  lines.push('');
  lines.push('| self % | self ms | function | where |');
  lines.push('|--:|--:|---|---|');
  for (const e of profile.topFunctions) lines.push(`| ${f1(e.percent)} | ${f0(e.selfMs)} | \`${esc(e.name)}\` | ${esc(e.where)} |`);
  lines.push('');
  lines.push('| self % | origin |');
  lines.push('|--:|---|');
  for (const e of profile.byOrigin) lines.push(`| ${f1(e.percent)} | ${esc(e.name)} |`);
  return lines.join('\n');
}

/** Replaces the text between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`, or appends the block. */
export function replaceBlock(document: string, name: string, content: string, heading: string): string {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${content}\n${end}`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from !== -1 && to > from) return document.slice(0, from) + block + document.slice(to + end.length);
  return `${document.trimEnd()}\n\n${heading}\n\n${block}\n`;
}
