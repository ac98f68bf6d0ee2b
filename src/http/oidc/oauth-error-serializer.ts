import type { FastifyError } from 'fastify';
import { isAuthError } from '../../core/errors.js';
import { isOAuthError } from '../../core/oidc/oauth-error.js';

export interface OAuthWireError {
  status: number;
  body: { error: string; error_description: string };
  headers: Record<string, string>;
}

const wire = (status: number, error: string, error_description: string, headers: Record<string, string> = {}): OAuthWireError => ({
  status,
  body: { error, error_description },
  headers,
});

/**
 * The OIDC surface's one error format, `{error, error_description}` (RFC 6749 §5.2), decided here.
 * Bearer-protected endpoints (userinfo) also get a WWW-Authenticate header (RFC 6750 §3).
 */
export function toOAuthWireError(error: unknown, options: { bearer?: boolean } = {}): OAuthWireError {
  if (isOAuthError(error)) {
    const headers: Record<string, string> = {};
    if (options.bearer === true && (error.error === 'invalid_token' || error.error === 'insufficient_scope' || error.error === 'invalid_request')) {
      headers['www-authenticate'] = `Bearer authorization_uri="", realm="", error="${error.error}", error_description="${error.message.replace(/"/g, "'")}"`;
    }
    if (error.error === 'invalid_client') headers['www-authenticate'] = 'Basic realm="oauth2"';
    if (error.status >= 500) return wire(500, 'server_error', 'An unexpected error occurred.', headers);
    return wire(error.status, error.error, error.message, headers);
  }
  if (isAuthError(error)) {
    switch (error.code) {
      case 'validation_failed':
        return wire(400, 'invalid_client_metadata', error.message);
      case 'not_found':
        return wire(404, 'not_found', error.message);
      case 'api_token_required':
        return wire(403, 'access_denied', 'Invalid session');
      case 'invalid_token':
        return wire(401, 'invalid_token', 'Invalid token provided');
      case 'rate_limited': {
        const headers: Record<string, string> = {};
        if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
        return wire(429, 'too_many_requests', 'Too many requests.', headers);
      }
      default:
        return wire(500, 'server_error', 'An unexpected error occurred.');
    }
  }
  const fe = error as Partial<FastifyError> & { validation?: unknown[] };
  if (Array.isArray(fe.validation)) return wire(400, 'invalid_request', 'The request is malformed.');
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 415) return wire(400, 'invalid_request', 'The request content type is not supported.');
  if (status === 413) return wire(413, 'invalid_request', 'The request body is too large.');
  if (status >= 400 && status < 500) return wire(400, 'invalid_request', 'The request is malformed.');
  return wire(500, 'server_error', 'An unexpected error occurred.');
}
