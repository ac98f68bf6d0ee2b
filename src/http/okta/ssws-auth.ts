import type { FastifyRequest } from 'fastify';
import type { ApiTokenPrincipal, ApiTokenService } from '../../core/apitokens/api-token-service.js';
import { AuthError } from '../../core/errors.js';

const principals = new WeakMap<FastifyRequest, ApiTokenPrincipal>();

// Okta's scheme name is case-insensitive in practice; the token is one run of non-space characters.
const SSWS = /^SSWS[ ]+(\S+)[ ]*$/i;

/**
 * Fastify preHandler for management routes (`Authorization: SSWS <token>`), as Okta answers:
 * - no Authorization header, another scheme, or a malformed one → 403 E0000005 "Invalid session";
 * - a well-formed header with an unknown, revoked or malformed token → 401 E0000011 "Invalid token provided".
 *
 * Usage in a route module: `app.get('/users', { preHandler: requireSsws(deps), … }, handler)`;
 * the handler reads the caller with `sswsPrincipal(request)`.
 */
export function requireSsws(deps: { apiTokens: ApiTokenService }): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? SSWS.exec(header) : null;
    if (match?.[1] === undefined) throw new AuthError('api_token_required', 'Invalid session');
    principals.set(request, await deps.apiTokens.authenticate(match[1]));
  };
}

/** The API token that authenticated this request (set by requireSsws); throws if the route forgot requireSsws. */
export function sswsPrincipal(request: FastifyRequest): ApiTokenPrincipal {
  const principal = principals.get(request);
  if (principal === undefined) throw new Error('sswsPrincipal: the route has no requireSsws preHandler');
  return principal;
}
