import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/** Reads an optional .env file; real environment variables win over it. */
export function readEnvWithDotenv(env: NodeJS.ProcessEnv, path = '.env'): Record<string, string | undefined> {
  if (!existsSync(path)) return { ...env };
  const fromFile = parseEnv(readFileSync(path, 'utf8'));
  return { ...fromFile, ...env };
}
