import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AuthError } from '../../core/errors.js';
import type { AuthnService } from '../../core/flows/authn/authn-service.js';
import type { Random } from '../../core/random.js';
import type { ApiApp } from '../api/api-app.js';
import { toOktaWireError } from '../okta/okta-error-serializer.js';
import { sidCookie } from '../okta/sid-cookie.js';
import type { OktaWireContext } from '../wire/okta-objects.js';

export interface LoginDeps {
  authn: AuthnService;
  wire: OktaWireContext;
  random: Random;
  /** Origins besides PUBLIC_URL's that redirectUrl may point to. */
  redirectOrigins: string[];
}

const RedirectQuery = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 256 }),
  redirectUrl: Type.String({ minLength: 1, maxLength: 2048 }),
  // okta-auth-js adds checkAccountSetupComplete=true; anything else is ignored.
  checkAccountSetupComplete: Type.Optional(Type.String({ maxLength: 16 })),
});

/** The redirect target if its origin is PUBLIC_URL's or allow-listed; null otherwise (never an open redirect). */
export function allowedRedirect(redirectUrl: string, publicUrl: string, extraOrigins: readonly string[]): string | null {
  let target: URL;
  try {
    target = new URL(redirectUrl);
  } catch {
    return null;
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return null;
  if (target.username !== '' || target.password !== '') return null;
  const allowed = new Set([new URL(publicUrl).origin, ...extraOrigins]);
  return allowed.has(target.origin) ? target.href : null;
}

/**
 * `GET /login/sessionCookieRedirect?token=…&redirectUrl=…` (Okta's session-cookie guide): redeems
 * the sessionToken for a session, sets the `sid` cookie and answers 302 to redirectUrl.
 */
export const loginPlugin: FastifyPluginAsync<LoginDeps> = async (app, deps) => {
  const login = app.withTypeProvider() as unknown as ApiApp;

  login.setErrorHandler(async (error, request, reply) => {
    const wire = toOktaWireError(error, deps.random);
    if (wire.status >= 500) request.log.error({ err: error }, 'request failed');
    reply.headers(wire.headers);
    return reply.code(wire.status).type('application/json').send(wire.body);
  });

  login.get(
    '/sessionCookieRedirect',
    { schema: { tags: ['okta-sessions'], summary: 'Sets the sid cookie from a sessionToken and redirects', querystring: RedirectQuery } },
    async (request, reply) => {
      const target = allowedRedirect(request.query.redirectUrl, deps.wire.baseUrl, deps.redirectOrigins);
      if (target === null) {
        throw new AuthError('validation_failed', 'redirectUrl', {
          causes: [{ summary: 'redirectUrl: The redirect URL is not an allowed origin.' }],
        });
      }
      const ip = request.ip;
      const userAgent = typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null;
      const { started } = await deps.authn.exchangeSessionToken(request.query.token, { ip, userAgent, requestId: request.id });
      reply.header('set-cookie', sidCookie(started.token, deps.wire.baseUrl));
      reply.header('cache-control', 'no-store');
      return reply.redirect(target, 302);
    },
  );
};
