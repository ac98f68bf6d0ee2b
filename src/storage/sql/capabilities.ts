/**
 * What the connected SQL engine can do. Store and migration code asks these questions instead of
 * comparing dialect names, so every dialect difference is decided here, once.
 */
export interface SqlCapabilities {
  /**
   * INSERT/UPDATE/DELETE … RETURNING (PostgreSQL; SQLite since 3.35). When false, the stores run
   * the write and the read-back in one transaction instead.
   */
  returning: boolean;
  /**
   * Auto-numbered keys are SQL-standard identity columns (PostgreSQL). When false, they are
   * SQLite's INTEGER PRIMARY KEY AUTOINCREMENT (a rowid alias).
   */
  identityColumns: boolean;
  /**
   * How a string member of a JSON text column is read: SQLite's json_extract(col, '$.key'), or
   * PostgreSQL's (col::jsonb ->> 'key').
   */
  jsonField: 'json_extract' | 'jsonb';
}

export type SqlDialectName = 'sqlite' | 'postgres';

export const POSTGRES_CAPABILITIES: SqlCapabilities = Object.freeze({ returning: true, identityColumns: true, jsonField: 'jsonb' });

/** SQLite's RETURNING depends on the linked library, so it is read from the running version. */
export function sqliteCapabilities(sqliteVersion: string): SqlCapabilities {
  const [major = 0, minor = 0] = sqliteVersion.split('.').map(Number);
  return Object.freeze({ returning: major > 3 || (major === 3 && minor >= 35), identityColumns: false, jsonField: 'json_extract' });
}
