import type { Migration, MigrationProvider } from 'kysely';
import type { SqlCapabilities } from '../capabilities.js';
import { initialMigration } from './2026-11-23T1400-initial.js';
import { factorSecretsAndPushMigration } from './2026-11-23T1520-factor-secrets-and-push.js';
import { apiTokensMigration } from './2026-11-23T1500-api-tokens.js';
import { systemLogMigration } from './2026-11-23T1510-system-log.js';
import { oidcMigration } from './2026-11-23T1530-oidc.js';
import { authnTransactionsMigration } from './2026-11-23T1540-authn-transactions.js';

/**
 * Every migration, listed statically so the same code runs from src (vitest, tsx) and from dist;
 * names are ISO-dated and sort in the order they must run. Append, never reorder.
 */
export function migrationProvider(capabilities: SqlCapabilities): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '2026-11-23T1400-initial': initialMigration(capabilities),
        '2026-11-23T1500-api-tokens': apiTokensMigration(),
        '2026-11-23T1510-system-log': systemLogMigration(capabilities),
        '2026-11-23T1520-factor-secrets-and-push': factorSecretsAndPushMigration(),
        '2026-11-23T1530-oidc': oidcMigration(),
        '2026-11-23T1540-authn-transactions': authnTransactionsMigration(),
      };
    },
  };
}
