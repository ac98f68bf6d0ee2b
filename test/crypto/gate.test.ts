import { describe, expect, it } from 'vitest';
import { Gate } from '../../src/crypto/gate.js';

describe('Gate', () => {
  it('runs at most `limit` tasks at once, the rest in arrival order, and survives failures', async () => {
    const gate = new Gate(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const task = (i: number, fail = false) =>
      gate.run(async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        if (fail) throw new Error(`task ${i} failed`);
        return i;
      });
    const results = [task(0, true), task(1), task(2), task(3), task(4)].map((p) => p.then((v) => v, (e: Error) => e.message));
    const flush = () => new Promise((resolve) => setImmediate(resolve));
    await flush();
    expect(started).toEqual([0, 1]);
    while (releases.length > 0) {
      releases.shift()!();
      await flush();
    }
    expect(await Promise.all(results)).toEqual(['task 0 failed', 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });
});
