import type { Migration, MigrationProvider } from 'kysely';
import type { SqlCapabilities } from '../capabilities.js';
import { initialMigration } from './2026-11-23T1400-initial.js';

/**
 * Every migration, listed statically so the same code runs from src (vitest, tsx) and from dist;
 * names are ISO-dated and sort in the order they must run. Append, never reorder.
 */
export function migrationProvider(capabilities: SqlCapabilities): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '2026-11-23T1400-initial': initialMigration(capabilities),
      };
    },
  };
}
