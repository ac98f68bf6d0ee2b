import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  node: string;
  os: string;
  uvThreadpoolSize: number;
  /** 1-minute load average when the run started and when it ended: above ~1, other work shared the cores. */
  loadAverage: { start: number; end: number | null };
}

export function describeMachine(): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1] !== undefined) cpuModel = match[1].trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    cpuModel,
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    os: `${type()} ${release()}`,
    uvThreadpoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
    loadAverage: { start: currentLoad(), end: null },
  };
}

export function machineLine(m: Machine): string {
  return `${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB RAM, Node ${m.node}, ${m.os}, UV_THREADPOOL_SIZE=${m.uvThreadpoolSize}, load average ${m.loadAverage.start} → ${m.loadAverage.end ?? '?'}`;
}

export const currentLoad = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100;

/** A warning when other processes competed for the cores during the run, or null. */
export function contention(m: Machine): string | null {
  const worst = Math.max(m.loadAverage.start, m.loadAverage.end ?? 0);
  if (worst <= 1.5) return null;
  return (
    `the 1-minute load average was ${m.loadAverage.start} at the start and ${m.loadAverage.end ?? '?'} at the end of the run ` +
    `on ${m.cores} cores: other processes competed for the CPU, so absolute numbers are low and ratios noisy`
  );
}
