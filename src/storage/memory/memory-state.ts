import { AuthError } from '../../core/errors.js';
import type { Factor } from '../../core/factors/factor.js';
import type { PushTransaction } from '../../core/factors/push-transaction.js';
import type { User } from '../../core/identity/user.js';
import type { StoredMail } from '../../core/mail/mailbox-store.js';
import type { OtpPurpose, OtpRecord } from '../../core/otp/otp-record.js';
import type { Session } from '../../core/session/session.js';
import type { GrantCode } from '../../core/sso/grant.js';

/**
 * Everything the memory stores hold, shared so that deleteUser can cascade and inserts can check
 * their owner like the SQL foreign keys do. Each verb runs synchronously between awaits, which is
 * what makes it atomic here.
 */
export interface MemoryState {
  users: Map<string, User>;
  /** normalizeLogin(login) → user id: the unique, case-insensitive index. */
  logins: Map<string, string>;
  factors: Map<string, Factor>;
  /** Per factor: the sealed secret (TOTP) and the last accepted TOTP step, kept apart from Factor as in SQL. */
  factorSecrets: Map<string, { sealedSecret: string | null; lastTotpStep: number | null }>;
  pushTransactions: Map<string, PushTransaction>;
  otps: Map<string, OtpRecord>;
  /** otpSlot(user, factor, purpose) → id of the one code kept per slot. */
  otpSlots: Map<string, string>;
  sessions: Map<string, Session>;
  grants: Map<string, GrantCode>;
  /** In insertion order. */
  mails: StoredMail[];
}

export const createMemoryState = (): MemoryState => ({
  users: new Map(),
  logins: new Map(),
  factors: new Map(),
  factorSecrets: new Map(),
  pushTransactions: new Map(),
  otps: new Map(),
  otpSlots: new Map(),
  sessions: new Map(),
  grants: new Map(),
  mails: [],
});

export const otpSlot = (userId: string, factorId: string, purpose: OtpPurpose): string =>
  `${userId}\u0000${factorId}\u0000${purpose}`;

/** Callers never share an object with the store: what goes in or comes out is a copy. */
export const copy = <T>(value: T): T => structuredClone(value);

/** JSON columns in SQL drop undefined members; the memory store does the same. */
export const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The foreign key check of the SQL schema: rows that belong to a user need the user. */
export function requireUser(state: MemoryState, userId: string): void {
  if (!state.users.has(userId)) {
    throw new AuthError('not_found', 'Not found: Resource not found (User)', { resource: 'User' });
  }
}

/** Deletes the matching entries; returns how many went. */
export function deleteWhere<V>(map: Map<string, V>, predicate: (value: V) => boolean): number {
  let deleted = 0;
  for (const [key, value] of map) {
    if (predicate(value)) {
      map.delete(key);
      deleted += 1;
    }
  }
  return deleted;
}
