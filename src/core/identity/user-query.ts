import { AuthError } from '../errors.js';
import type { UserStatus } from './user.js';

/** Profile attributes a query may name: Okta's base profile as Latchkey stores it. */
export const QUERYABLE_PROFILE = ['login', 'email', 'firstName', 'lastName', 'mobilePhone', 'locale', 'timeZone'] as const;
export type QueryableProfileField = (typeof QUERYABLE_PROFILE)[number];

export type UserDateField = 'created' | 'lastUpdated' | 'activated' | 'statusChanged' | 'lastLogin' | 'passwordChanged';
const DATE_FIELDS: readonly UserDateField[] = ['created', 'lastUpdated', 'activated', 'statusChanged', 'lastLogin', 'passwordChanged'];
const STATUSES: readonly UserStatus[] = ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED'];

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** One comparison. Profile strings compare case-insensitively; `sw` is a case-insensitive prefix. */
export type UserTerm =
  | { field: 'id'; op: 'eq'; value: string }
  | { field: 'status'; op: 'eq' | 'ne'; value: UserStatus }
  | { field: UserDateField; op: CompareOp; value: Date }
  | { field: `profile.${QueryableProfileField}`; op: 'eq' | 'sw'; value: string };

export type UserCondition = UserTerm | { and: UserCondition[] } | { or: UserCondition[] };

export interface UserListQuery {
  /** Case-insensitive prefix of firstName, lastName, email or login (Okta's `q`). */
  prefix?: string;
  where?: UserCondition;
  /** Users whose id sorts after this one (the paging cursor). */
  after?: string;
  limit: number;
}

const invalid = (detail: string) =>
  new AuthError('validation_failed', 'Invalid search criteria.', { causes: [{ summary: `${detail}` }] });

type Token = { kind: 'word' | 'string' | 'lparen' | 'rparen'; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c });
      i++;
    } else if (c === '"') {
      let text = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        text += input[i];
        i++;
      }
      if (i >= input.length) throw invalid('unterminated string');
      i++;
      tokens.push({ kind: 'string', text });
    } else {
      let text = '';
      while (i < input.length && !/[\s()"]/.test(input[i] as string)) text += input[i++];
      tokens.push({ kind: 'word', text });
    }
  }
  return tokens;
}

/**
 * Okta's filter/search expressions, a subset: `attr op "value"` joined with `and`/`or` and
 * parentheses (`and` binds tighter). `filter` allows eq/gt/ge/lt/le on id, status, the dates and
 * profile.login/email/firstName/lastName; `search` adds `sw`, `ne` (status) and the other profile
 * fields. Anything else is validation_failed ("Invalid search criteria.").
 */
export function parseUserExpression(input: string, mode: 'filter' | 'search'): UserCondition {
  if (input.length > 2000) throw invalid('expression too long');
  const tokens = tokenize(input);
  let pos = 0;
  const peekWord = (): string | undefined => (tokens[pos]?.kind === 'word' ? tokens[pos]?.text.toLowerCase() : undefined);

  const parseOr = (): UserCondition => {
    const parts = [parseAnd()];
    while (peekWord() === 'or') {
      pos++;
      parts.push(parseAnd());
    }
    return parts.length === 1 ? (parts[0] as UserCondition) : { or: parts };
  };
  const parseAnd = (): UserCondition => {
    const parts = [parsePrimary()];
    while (peekWord() === 'and') {
      pos++;
      parts.push(parsePrimary());
    }
    return parts.length === 1 ? (parts[0] as UserCondition) : { and: parts };
  };
  const parsePrimary = (): UserCondition => {
    const token = tokens[pos];
    if (token === undefined) throw invalid('unexpected end of expression');
    if (token.kind === 'lparen') {
      pos++;
      const inner = parseOr();
      if (tokens[pos]?.kind !== 'rparen') throw invalid('missing )');
      pos++;
      return inner;
    }
    const attr = tokens[pos++];
    const op = tokens[pos++];
    const value = tokens[pos++];
    if (attr?.kind !== 'word' || op?.kind !== 'word' || value === undefined || value.kind === 'lparen' || value.kind === 'rparen') {
      throw invalid('expected: attribute operator "value"');
    }
    return term(attr.text, op.text.toLowerCase(), value, mode);
  };

  const result = parseOr();
  if (pos !== tokens.length) throw invalid(`unexpected "${tokens[pos]?.text ?? ''}"`);
  return result;
}

function term(attr: string, op: string, value: Token, mode: 'filter' | 'search'): UserTerm {
  const text = value.text;
  if (attr === 'id') {
    if (op !== 'eq') throw invalid(`operator ${op} is not supported on id`);
    return { field: 'id', op, value: text };
  }
  if (attr === 'status') {
    if (op !== 'eq' && !(mode === 'search' && op === 'ne')) throw invalid(`operator ${op} is not supported on status`);
    const status = text.toUpperCase() as UserStatus;
    if (!STATUSES.includes(status)) throw invalid(`unknown status ${text}`);
    return { field: 'status', op, value: status };
  }
  if ((DATE_FIELDS as readonly string[]).includes(attr)) {
    if (!['eq', 'gt', 'ge', 'lt', 'le'].includes(op)) throw invalid(`operator ${op} is not supported on ${attr}`);
    const date = new Date(text);
    if (value.kind !== 'string' || Number.isNaN(date.getTime())) throw invalid(`${attr} needs a quoted ISO 8601 date`);
    return { field: attr as UserDateField, op: op as CompareOp, value: date };
  }
  if (attr.startsWith('profile.')) {
    const field = attr.slice('profile.'.length);
    const filterable = ['login', 'email', 'firstName', 'lastName'];
    if (!(QUERYABLE_PROFILE as readonly string[]).includes(field) || (mode === 'filter' && !filterable.includes(field))) {
      throw invalid(`${attr} cannot be used in a ${mode}`);
    }
    if (op !== 'eq' && !(mode === 'search' && op === 'sw')) throw invalid(`operator ${op} is not supported on ${attr}`);
    return { field: `profile.${field as QueryableProfileField}`, op, value: text };
  }
  throw invalid(`unknown attribute ${attr}`);
}

/** The reference evaluation (the memory store; the SQL store translates the same tree to SQL). */
export function matchesUser(
  condition: UserCondition,
  user: { id: string; status: UserStatus; profile: object } & Record<UserDateField, Date | null>,
): boolean {
  if ('and' in condition) return condition.and.every((c) => matchesUser(c, user));
  if ('or' in condition) return condition.or.some((c) => matchesUser(c, user));
  switch (condition.field) {
    case 'id':
      return user.id === condition.value;
    case 'status':
      return condition.op === 'eq' ? user.status === condition.value : user.status !== condition.value;
    case 'created':
    case 'lastUpdated':
    case 'activated':
    case 'statusChanged':
    case 'lastLogin':
    case 'passwordChanged': {
      const actual = user[condition.field];
      if (actual === null) return false;
      const a = actual.getTime();
      const b = condition.value.getTime();
      return { eq: a === b, ne: a !== b, gt: a > b, ge: a >= b, lt: a < b, le: a <= b }[condition.op];
    }
    default: {
      const key = condition.field.slice('profile.'.length);
      const raw = (user.profile as Record<string, unknown>)[key];
      if (typeof raw !== 'string') return false;
      const actual = raw.toLowerCase();
      const wanted = condition.value.toLowerCase();
      return condition.op === 'eq' ? actual === wanted : actual.startsWith(wanted);
    }
  }
}
