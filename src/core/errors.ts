/**
 * One error tree for every surface. `code` is the stable, literal identity of an error;
 * each HTTP surface maps codes to its own wire format in exactly one place.
 */
export type AuthErrorCode =
  | 'validation_failed' // input broke a rule the schema could not express
  | 'duplicate_login' // a user with this login already exists
  | 'password_policy' // password rejected by the policy
  | 'authentication_failed' // wrong credentials, unknown user or locked account: one answer for all
  | 'invalid_session' // unknown, expired or ended session
  | 'mfa_required' // the session still waits for its second factor
  | 'not_found' // a resource addressed by id does not exist
  | 'invalid_passcode' // wrong, expired, used or exhausted one-time code
  | 'passcode_replayed' // a TOTP code that was already accepted once (Okta E0000082)
  | 'invalid_token' // bad grant code, JWT or similar bearer credential
  | 'operation_not_allowed' // the resource is not in a state that allows the operation
  | 'rate_limited' // too many requests for this key
  | 'mail_delivery_failed' // the mail could not be delivered after retries
  | 'api_token_required' // a management call without a usable `Authorization: SSWS` header
  | 'user_already_active' // activation of a user who is already active
  | 'user_status_not_allowed' // a user lifecycle operation the user's status does not allow
  | 'credentials_update_failed' // authn change_password: wrong oldPassword (Okta E0000014)
  | 'password_complexity' // authn change_password: new password refused by the policy (Okta E0000080)
  | 'upstream_error' // the upstream identity provider (an Okta org) refused: its Okta error body travels along
  | 'upstream_unavailable' // the upstream identity provider timed out, was unreachable or failed (5xx)
  | 'internal'; // anything unexpected; never exposed

export interface ErrorCause {
  /** Human readable cause, in Okta's errorCauses style ("field: message"). */
  summary: string;
  reason?: string;
  location?: string;
}

/** Okta's error object as an upstream org sent it (okta-api.md §6). */
export interface UpstreamErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink?: string;
  errorId?: string;
  errorCauses?: { errorSummary: string; [key: string]: unknown }[];
}

/** What went wrong upstream: an HTTP answer with Okta's error body, or a transport failure. */
export interface UpstreamFailure {
  /** The upstream HTTP status; for transport failures, the status to answer (502 network, 504 timeout). */
  status: number;
  kind: 'okta_error' | 'timeout' | 'network' | 'server_error';
  body?: UpstreamErrorBody;
  /** Rate-limit headers to pass through (x-rate-limit-*). */
  headers?: Record<string, string>;
}

export interface AuthErrorOptions {
  causes?: ErrorCause[];
  /** For rate_limited: when the caller may try again. */
  retryAfterSeconds?: number;
  /** For rate_limited: the limit that was hit, for X-Rate-Limit-* headers. */
  limit?: { limit: number; remaining: number; resetAt: Date };
  /** What the resource was, for not_found ("User", "Session"). */
  resource?: string;
  /** For upstream_error and upstream_unavailable: the upstream answer or failure. */
  upstream?: UpstreamFailure;
  cause?: unknown;
}

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly causes: ErrorCause[];
  readonly retryAfterSeconds: number | undefined;
  readonly limit: AuthErrorOptions['limit'];
  readonly resource: string | undefined;
  readonly upstream: UpstreamFailure | undefined;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthError';
    this.code = code;
    this.causes = options.causes ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.limit = options.limit;
    this.resource = options.resource;
    this.upstream = options.upstream;
  }
}

export const isAuthError = (value: unknown): value is AuthError => value instanceof AuthError;

/** Raised by stores when a unique constraint fails; services translate it to a domain error. */
export class ConflictError extends Error {
  constructor(readonly constraint: string, options?: { cause?: unknown }) {
    super(`conflict on ${constraint}`, options);
    this.name = 'ConflictError';
  }
}
