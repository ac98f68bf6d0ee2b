import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';

import { randomToken, type Random } from '../core/random.js';
import type { ApiDeps } from './api/api-deps.js';
import { apiPlugin } from './api/api-plugin.js';
import { devMailboxPlugin, type DevMailboxDeps } from './dev/dev-mailbox-plugin.js';
import type { OktaDeps } from './okta/okta-deps.js';
import { oktaPlugin } from './okta/okta-plugin.js';
import { loginPlugin, type LoginDeps } from './login/login-plugin.js';
import type { OidcDeps } from './oidc/oidc-deps.js';
import { oidcClientsPlugin } from './oidc/oidc-clients-plugin.js';
import { oidcPagesPlugin } from './oidc/oidc-pages-plugin.js';
import { oidcServerPlugin } from './oidc/oidc-server-plugin.js';
import { authenticatorPlugin, type AuthenticatorDeps } from './authenticator/authenticator-plugin.js';

export interface AppDeps {
  logger: FastifyBaseLogger;
  random: Random;
  publicUrl: string;
  bodyLimitBytes: number;
  trustProxy: boolean;
  version: string;
  api: ApiDeps;
  okta: OktaDeps;
  /** Okta's browser entry points under /login (sessionCookieRedirect). */
  login: Omit<LoginDeps, 'authn'>;
  /** The authenticator pages: push approval, QR code images (issue 3). */
  authenticator: AuthenticatorDeps;
  /** The OpenID Connect provider (issue 4). */
  oidc: OidcDeps;
  /** Present only in embedded, non-production mode with no SMTP server. */
  devMailbox: DevMailboxDeps | null;
  /** Readiness probe: resolves when the stores answer. */
  ready: () => Promise<void>;
}

/** Builds the whole HTTP application; server.ts listens, tests use it on an ephemeral port. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimitBytes,
    trustProxy: deps.trustProxy,
    genReqId: () => randomToken(deps.random, 12),
    requestIdHeader: false,
    ajv: {
      // Wrong types are errors, not silently coerced; every broken rule is reported.
      customOptions: { coerceTypes: false, allErrors: true, removeAdditional: false },
    },
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Latchkey',
        version: deps.version,
        description:
          "Latchkey's JSON API. Errors use the seed's error object: {error: VALIDATION_ERROR | OKTA_ERROR | SERVER_ERROR | 404, …}.",
      },
      servers: [{ url: deps.publicUrl }],
      tags: [{ name: 'seed', description: 'The seed JSON API (/api/*)' }],
    },
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await deps.ready();
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  await app.register(oktaPlugin, { ...deps.okta, prefix: '/api/v1' });
  await app.register(loginPlugin, { ...deps.login, authn: deps.okta.authn, prefix: '/login' });
  await app.register(apiPlugin, { ...deps.api, prefix: '/api' });
  await app.register(authenticatorPlugin, { ...deps.authenticator, prefix: '/authenticator' });
  for (const server of deps.oidc.servers) await app.register(oidcServerPlugin, { deps: deps.oidc, server });
  await app.register(oidcPagesPlugin, { deps: deps.oidc });
  await app.register(oidcClientsPlugin, { deps: deps.oidc });
  if (deps.devMailbox !== null) await app.register(devMailboxPlugin, { ...deps.devMailbox, prefix: '/dev/mailbox' });

  // Anything else: the seed's 404 object.
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: '404' }));
  app.setErrorHandler(async (error, request, reply) => {
    const status = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(500).send({ error: 'SERVER_ERROR', message: 'An unexpected error occurred', requestId: request.id });
    }
    return reply.code(status).send({ error: 'VALIDATION_ERROR', details: [{ message: 'Bad request', path: [], type: 'any.invalid', context: { label: 'value' } }] });
  });

  return app;
}
