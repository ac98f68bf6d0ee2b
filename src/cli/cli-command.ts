import type { Clock } from '../core/clock.js';

/** What a CLI command may touch: the environment (config), output streams and, in tests, a clock. */
export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  clock?: Clock;
}

/**
 * One top-level command of `latchkey` (e.g. `tokens`, `push`): gets the arguments after its name
 * and answers an exit code (0 done, 1 failed, 2 usage or configuration error).
 */
export interface CliCommand {
  summary: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}
