import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AuthError } from '../../core/errors.js';
import { enforceLimit } from '../../core/ratelimit/enforce.js';
import type { RateLimitRule } from '../../core/ratelimit/rate-limiter.js';
import type { ApiDeps } from './api-deps.js';
import { toSeedError } from './error-serializer.js';
import { registrationRoutes } from './routes/registration-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import { ssoRoutes } from './routes/sso-routes.js';
import { rateLimitHeaders } from '../wire/rate-limit-headers.js';


/**
 * The seed's JSON API under /api: its own error handler (the seed's error object),
 * its own 404, and a per-IP request budget.
 */
export const apiPlugin: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const rule: RateLimitRule = { name: 'api:ip', limit: deps.apiRequestsPerIpPerMinute, windowMs: 60_000 };
  // JSON only: Fastify parses text/plain by default, which turned a wrong content type into a 400
  // "must be of type object" instead of the 415 every other non-JSON type gets (this context only).
  api.removeContentTypeParser('text/plain');

  api.addHook('onRequest', async (request, reply) => {
    const result = await enforceLimit(deps.limiter, rule, request.ip, deps.clock.now());
    reply.headers(rateLimitHeaders(result));
  });

  api.setErrorHandler(async (error, request, reply) => {
    // No such route: a body that fails to parse (e.g. an empty JSON body on a wrong method) must
    // not turn the seed's 404 into a 400. Rate limits (AuthError) still answer as themselves.
    if (request.is404 && !(error instanceof AuthError)) {
      return reply.code(deps.errorsAs200 ? 200 : 404).type('application/json; charset=utf-8').send({ error: '404' });
    }
    const wire = toSeedError(error, request.id, deps.random);
    if (wire.status >= 500) request.log.error({ err: error }, 'request failed');
    else if (!(error instanceof AuthError)) request.log.info({ err: error }, 'request rejected');
    reply.headers(wire.headers);
    // The route's 200 schema describes its success body: serialized through it, an error body sent
    // as 200 failed ("success" is required!) and became Fastify's own 500. Plain JSON instead.
    if (deps.errorsAs200) reply.serializer((payload: unknown) => JSON.stringify(payload));
    return reply.code(deps.errorsAs200 ? 200 : wire.status).type('application/json; charset=utf-8').send(wire.body);
  });

  api.setNotFoundHandler(async (_request, reply) =>
    reply.code(deps.errorsAs200 ? 200 : 404).send({ error: '404' }),
  );

  registrationRoutes(api, deps);
  sessionRoutes(api, deps);
  ssoRoutes(api, deps);
};
