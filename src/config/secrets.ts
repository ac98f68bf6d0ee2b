import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GeneratedSecrets {
  jwtSecret: string;
  otpSecret: string;
}

/**
 * Secrets for embedded development: read from DATA_DIR/secrets.json, or generated once and
 * written there with mode 0600. Never a constant compiled into the program.
 * Returns which ones were generated now so main.ts can warn.
 */
export function loadOrCreateSecrets(dataDir: string): { secrets: GeneratedSecrets; created: boolean; path: string } {
  const path = join(dataDir, 'secrets.json');
  if (existsSync(path)) {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (
      typeof parsed === 'object' && parsed !== null &&
      typeof (parsed as Record<string, unknown>).jwtSecret === 'string' &&
      typeof (parsed as Record<string, unknown>).otpSecret === 'string'
    ) {
      return { secrets: parsed as GeneratedSecrets, created: false, path };
    }
    throw new Error(`${path} is not a valid secrets file; move it away to generate a new one`);
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: GeneratedSecrets = {
    jwtSecret: randomBytes(48).toString('base64url'),
    otpSecret: randomBytes(48).toString('base64url'),
  };
  writeFileSync(path, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { secrets, created: true, path };
}

/**
 * One more generated secret kept in DATA_DIR/secrets.json under `name` (e.g. the OIDC key
 * encryption key): read if present, otherwise generated and added to the file (mode 0600).
 * The file is created with the other generated secrets when it does not exist yet.
 */
export function loadOrAddSecret(dataDir: string, name: string): { secret: string; created: boolean; path: string } {
  const { path } = loadOrCreateSecrets(dataDir);
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const existing = parsed[name];
  if (typeof existing === 'string') return { secret: existing, created: false, path };
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(path, JSON.stringify({ ...parsed, [name]: secret }, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  return { secret, created: true, path };
}
