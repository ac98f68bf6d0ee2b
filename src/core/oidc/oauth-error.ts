/**
 * The OAuth 2.0 / OpenID Connect error vocabulary (RFC 6749 §5.2, OIDC Core §3.1.2.6, RFC 6750 §3.1).
 * Core OIDC code throws these; the OIDC surface maps them to `{error, error_description}` in one place.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_response_mode'
  | 'invalid_scope'
  | 'access_denied'
  | 'login_required'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'server_error';

const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  unsupported_response_mode: 400,
  invalid_scope: 400,
  access_denied: 403,
  login_required: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
};

export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: number;

  constructor(error: OAuthErrorCode, description: string, options?: { cause?: unknown }) {
    super(description, options);
    this.name = 'OAuthError';
    this.error = error;
    this.status = STATUS[error];
  }
}

export const isOAuthError = (value: unknown): value is OAuthError => value instanceof OAuthError;
