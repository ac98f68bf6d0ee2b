import { readFileSync } from 'node:fs';
import { ownPids } from './children.js';

/**
 * How much CPU processes other than the benchmark's own used during a phase, in cores: on a shared
 * machine this is what makes a number low or noisy. From /proc/stat (all CPUs) and /proc/<pid>/stat
 * (the runner and its live children, all threads); null where /proc is missing.
 */
interface Snapshot {
  busy: number;
  total: number;
  ours: number;
}

function readTotals(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

function processJiffies(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at ") ".
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11] ?? 0) + Number(rest[12] ?? 0); // utime, stime
  } catch {
    return 0;
  }
}

export function cpuSnapshot(): Snapshot | null {
  try {
    const { busy, total } = readTotals();
    return { busy, total, ours: ownPids().reduce((sum, pid) => sum + processJiffies(pid), 0) };
  } catch {
    return null;
  }
}

/** Cores' worth of CPU used by other processes between two snapshots. */
export function otherCpuCores(before: Snapshot | null, cores: number): number | null {
  const after = cpuSnapshot();
  if (before === null || after === null) return null;
  const total = after.total - before.total;
  if (total <= 0) return null;
  const other = Math.max(0, after.busy - before.busy - (after.ours - before.ours));
  return Math.round((other / total) * cores * 100) / 100;
}
