import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { UserCondition, UserDateField } from '../../core/identity/user-query.js';
import type { SqlCapabilities } from './capabilities.js';
import { toMillis } from './codec.js';
import type { DatabaseSchema } from './schema.js';

type Eb = ExpressionBuilder<DatabaseSchema, 'users'>;

const DATE_COLUMNS: Record<UserDateField, 'created' | 'last_updated' | 'activated' | 'status_changed' | 'last_login' | 'password_changed'> = {
  created: 'created',
  lastUpdated: 'last_updated',
  activated: 'activated',
  statusChanged: 'status_changed',
  lastLogin: 'last_login',
  passwordChanged: 'password_changed',
};

const SQL_OPS = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

// Keys come from QUERYABLE_PROFILE (identifiers only); the check keeps them out of harm's way anyway.
const KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

/** lower(<profile.key>) as SQL, read from the JSON text column the way this engine can. */
export function profileField(capabilities: SqlCapabilities, key: string): Expression<string | null> {
  if (!KEY.test(key)) throw new Error(`unsafe profile key ${key}`);
  if (key === 'login') return sql<string>`${sql.ref('users.login')}`; // already normalised (lower-cased)
  return capabilities.jsonField === 'jsonb'
    ? sql<string | null>`lower(cast(${sql.ref('users.profile')} as jsonb) ->> ${sql.lit(key)})`
    : sql<string | null>`lower(json_extract(${sql.ref('users.profile')}, ${sql.lit(`$.${key}`)}))`;
}

/** `expr` starts with `prefix`, case-insensitively, without LIKE's wildcards to escape. */
export function startsWith(expr: Expression<string | null>, prefix: string): Expression<SqlBool> {
  return sql<SqlBool>`substr(${expr}, 1, length(lower(${prefix}))) = lower(${prefix})`;
}

/** The SQL twin of matchesUser (core/identity/user-query.ts). */
export function userCondition(eb: Eb, capabilities: SqlCapabilities, condition: UserCondition): Expression<SqlBool> {
  if ('and' in condition) return eb.and(condition.and.map((c) => userCondition(eb, capabilities, c)));
  if ('or' in condition) return eb.or(condition.or.map((c) => userCondition(eb, capabilities, c)));
  switch (condition.field) {
    case 'id':
      return eb('users.id', '=', condition.value);
    case 'status':
      return eb('users.status', SQL_OPS[condition.op], condition.value);
    case 'created':
    case 'lastUpdated':
    case 'activated':
    case 'statusChanged':
    case 'lastLogin':
    case 'passwordChanged':
      return eb(`users.${DATE_COLUMNS[condition.field]}`, SQL_OPS[condition.op], toMillis(condition.value));
    default: {
      const field = profileField(capabilities, condition.field.slice('profile.'.length));
      return condition.op === 'eq' ? sql<SqlBool>`${field} = lower(${condition.value})` : startsWith(field, condition.value);
    }
  }
}
