/** What every reference child reads from its environment. */
export function refPort(): number {
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('PORT must be set by the bench runner');
  return port;
}

/** argon2id parameters, the same variables and defaults as Latchkey's configuration. */
export function argon2Params(): { memoryCost: number; timeCost: number; parallelism: number } {
  return {
    memoryCost: Number(process.env.ARGON2_MEMORY_KIB ?? 19_456),
    timeCost: Number(process.env.ARGON2_TIME_COST ?? 2),
    parallelism: 1,
  };
}

/** Sends a result to the runner over the IPC channel and waits until it is written. */
export function report(message: unknown): Promise<void> {
  return new Promise((resolveSend, reject) => {
    if (process.send === undefined) {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolveSend();
      return;
    }
    process.send(message, (error: Error | null) => (error ? reject(error) : resolveSend()));
  });
}
