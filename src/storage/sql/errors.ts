import { AuthError, ConflictError } from '../../core/errors.js';

/**
 * Domain names of the unique constraints, keyed by how each driver reports them: PostgreSQL by
 * constraint name (see the migrations), SQLite by "table.column[, table.column]".
 */
const UNIQUE_CONSTRAINTS: ReadonlyMap<string, string> = new Map([
  ['users_login_key', 'login'],
  ['users.login', 'login'],
  ['users_pkey', 'user_id'],
  ['users.id', 'user_id'],
  ['factors_id_key', 'factor_id'],
  ['factors.id', 'factor_id'],
  ['otps_pkey', 'otp_id'],
  ['otps.id', 'otp_id'],
  ['sessions_pkey', 'session'],
  ['sessions.token_hash', 'session'],
  ['grants_pkey', 'grant'],
  ['grants.code_hash', 'grant'],
  ['mailbox_id_key', 'mail_id'],
  ['oauth_keys_pkey', 'signing_key'],
  ['oauth_keys.kid', 'signing_key'],
  ['oauth_clients_pkey', 'client_id'],
  ['oauth_clients.client_id', 'client_id'],
  ['oauth_codes_pkey', 'authorization_code'],
  ['oauth_codes.code_hash', 'authorization_code'],
  ['oauth_tokens_pkey', 'token'],
  ['oauth_tokens.token_hash', 'token'],
  ['mailbox.id', 'mail_id'],
  ['push_transactions_pkey', 'push_transaction'],
  ['push_transactions.id', 'push_transaction'],
  ['push_transactions_link_key', 'push_transaction'],
  ['push_transactions.link_token_hash', 'push_transaction'],
  ['api_tokens_pkey', 'api_token'],
  ['api_tokens.id', 'api_token'],
  ['api_tokens_token_hash_key', 'api_token'],
  ['api_tokens.token_hash', 'api_token'],
  ['events_uuid_key', 'event'],
  ['authn_transactions_pkey', 'authn_transaction'],
  ['authn_transactions.id', 'authn_transaction'],
  ['authn_transactions_state_token_key', 'authn_transaction'],
  ['authn_transactions.state_token_hash', 'authn_transaction'],
  ['authn_transactions_session_token_key', 'authn_transaction'],
  ['authn_transactions.session_token_hash', 'authn_transaction'],
  ['events.uuid', 'event'],
]);

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

const asDriverError = (error: unknown): DriverError | null =>
  typeof error === 'object' && error !== null ? (error as DriverError) : null;

/**
 * Translates a driver error into the core's vocabulary: unique violations become ConflictError
 * (named as in UNIQUE_CONSTRAINTS), foreign-key violations a not_found for the owning User (every
 * foreign key points at users). Anything else is returned unchanged. The driver error stays as `cause`.
 */
export function translateDriverError(error: unknown): unknown {
  const e = asDriverError(error);
  if (e === null) return error;
  // pg: SQLSTATE 23505 unique_violation, 23503 foreign_key_violation.
  if (e.code === '23505') {
    const raw = typeof e.constraint === 'string' ? e.constraint : 'unknown';
    return new ConflictError(UNIQUE_CONSTRAINTS.get(raw) ?? raw, { cause: error });
  }
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // better-sqlite3 names the columns only in the message: "UNIQUE constraint failed: users.login".
    const raw = typeof e.message === 'string' ? e.message.replace(/^.*constraint failed:\s*/i, '') : 'unknown';
    return new ConflictError(UNIQUE_CONSTRAINTS.get(raw) ?? raw, { cause: error });
  }
  if (e.code === '23503' || e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new AuthError('not_found', 'Not found: Resource not found (User)', { resource: 'User', cause: error });
  }
  return error;
}

/** Runs a store operation, rethrowing driver errors translated. */
export async function translatingErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translateDriverError(error);
  }
}
