import type { FastifyPluginAsync } from 'fastify';
import type { ApiApp } from '../api/api-app.js';
import type { OktaDeps } from './okta-deps.js';
import { toOktaWireError } from './okta-error-serializer.js';
import { newErrorId } from '../wire/okta-errors.js';
import { usersRoutes } from './users-routes.js';
import { logsRoutes } from './logs-routes.js';
import { factorsRoutes } from './factors-routes.js';
import { authnRoutes } from './authn-routes.js';
import { sessionsRoutes } from './sessions-routes.js';

/** A route module of the Okta surface: declares its routes relative to /api/v1. */
export type OktaRoutes = (app: ApiApp, deps: OktaDeps) => void;

/** Route modules, in registration order. Each issue-3 area adds its module here. */
const ROUTES: OktaRoutes[] = [
  usersRoutes,
  logsRoutes,
  factorsRoutes,
  authnRoutes,
  sessionsRoutes,
];

/**
 * Okta's wire protocol under /api/v1: Okta's error object from one serializer,
 * X-Okta-Request-Id on every answer, JSON always.
 */
export const oktaPlugin: FastifyPluginAsync<OktaDeps> = async (app, deps) => {
  const okta = app.withTypeProvider() as unknown as ApiApp;

  okta.addHook('onSend', async (request, reply) => {
    reply.header('x-okta-request-id', request.id);
  });

  okta.setErrorHandler(async (error, request, reply) => {
    const wire = toOktaWireError(error, deps.random);
    if (wire.status >= 500) request.log.error({ err: error }, 'request failed');
    reply.headers(wire.headers);
    return reply.code(wire.status).type('application/json').send(wire.body);
  });

  okta.setNotFoundHandler(async (request, reply) =>
    reply
      .code(404)
      .type('application/json')
      .send({
        errorCode: 'E0000007',
        errorSummary: `Not found: Resource not found: ${request.url.split('?')[0]} (Endpoint)`,
        errorLink: 'E0000007',
        errorId: newErrorId(deps.random),
        errorCauses: [],
      }),
  );

  for (const routes of ROUTES) routes(okta, deps);
};
