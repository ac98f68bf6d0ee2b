import type { OidcSchema } from './oidc-schema.js';
import type { FactorProvider, FactorStatus, FactorType } from '../../core/factors/factor.js';
import type { PushPurpose, PushStatus } from '../../core/factors/push-transaction.js';
import type { UserStatus } from '../../core/identity/user.js';
import type { OtpPurpose } from '../../core/otp/otp-record.js';
import type { SessionStatus } from '../../core/session/session.js';
import type { Generated } from 'kysely';

// Row shapes as stored. Instants are integer milliseconds since the epoch (bigint in PostgreSQL,
// read back as numbers), JSON is text: both dialects store and compare them the same way.

export interface UsersTable {
  id: string;
  /** normalizeLogin(profile.login): the unique, case-insensitive lookup key. */
  login: string;
  status: UserStatus;
  /** UserProfile as JSON. */
  profile: string;
  password_hash: string | null;
  failed_logins: number;
  created: number;
  activated: number | null;
  status_changed: number | null;
  last_login: number | null;
  last_updated: number;
  password_changed: number | null;
}

export interface FactorsTable {
  /** Insertion order, the tie-break of listFactors. */
  seq: Generated<number>;
  id: string;
  user_id: string;
  factor_type: FactorType;
  provider: FactorProvider;
  status: FactorStatus;
  /** Record<string, string> as JSON. */
  profile: string;
  created: number;
  last_updated: number;
  /** A secret the server reads back (TOTP), sealed with AES-256-GCM; null for other factors. */
  secret: string | null;
  /** The last accepted TOTP time step (replay protection). */
  last_totp_step: number | null;
}

export interface OtpsTable {
  id: string;
  user_id: string;
  factor_id: string;
  purpose: OtpPurpose;
  code_hash: string;
  key_id: string;
  created_at: number;
  expires_at: number;
  attempts: number;
  consumed_at: number | null;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  login: string;
  status: SessionStatus;
  created_at: number;
  absolute_expires_at: number;
  idle_expires_at: number;
  last_password_verification: number | null;
  last_factor_verification: number | null;
  /** string[] as JSON. */
  amr: string;
}

export interface GrantsTable {
  code_hash: string;
  user_id: string;
  session_hash: string;
  created_at: number;
  expires_at: number;
}

export interface MailboxTable {
  /** Insertion order: "newest first" must hold even when several mails share a millisecond. */
  seq: Generated<number>;
  id: string;
  to_address: string;
  /** to_address lower-cased, for the case-insensitive recipient filter. */
  to_lower: string;
  subject: string;
  text: string;
  html: string;
  kind: string;
  created_at: number;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  /** sha256Hex of the token. */
  token_hash: string;
  created: number;
  last_used: number | null;
  revoked: number | null;
}

export interface EventsTable {
  /** Publication (insertion) order: the sort key and the position behind a paging cursor. */
  seq: Generated<number>;
  uuid: string;
  published: number;
  event_type: string;
  severity: string;
  display_message: string;
  outcome_result: string;
  outcome_reason: string | null;
  actor_id: string;
  /** AuditActor as JSON. */
  actor: string;
  /** AuditEvent['client'] as JSON. */
  client: string;
  /** AuditTarget[] as JSON. */
  target: string;
  transaction_id: string | null;
}

export interface PushTransactionsTable {
  id: string;
  user_id: string;
  factor_id: string;
  purpose: PushPurpose;
  status: PushStatus;
  created_at: number;
  expires_at: number;
  answered_at: number | null;
  consumed_at: number | null;
  link_token_hash: string;
  request_ip: string | null;
  request_user_agent: string | null;
}

export interface AuthnTransactionsTable {
  id: string;
  /** sha256Hex of the stateToken. */
  state_token_hash: string;
  /** sha256Hex of the sessionToken, once the transaction reached SUCCESS. */
  session_token_hash: string | null;
  user_id: string;
  state: string;
  /** Compare-and-set key, incremented by every transition. */
  version: number;
  created_at: number;
  /** The stateToken's sliding expiry; at SUCCESS the sessionToken's expiry. */
  expires_at: number;
  /** The rest of the AuthnFlow as JSON. */
  data: string;
}

export interface DatabaseSchema extends OidcSchema {
  users: UsersTable;
  factors: FactorsTable;
  otps: OtpsTable;
  sessions: SessionsTable;
  grants: GrantsTable;
  mailbox: MailboxTable;
  push_transactions: PushTransactionsTable;
  api_tokens: ApiTokensTable;
  events: EventsTable;
  authn_transactions: AuthnTransactionsTable;
}
