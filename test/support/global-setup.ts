import { skipReasons } from './backends.js';

export default function setup(): void {
  for (const reason of skipReasons()) {
    process.stdout.write(`\n[latchkey tests] ${reason}\n`);
  }
}
