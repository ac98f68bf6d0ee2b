import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AuditActor, RequestContext } from '../../core/audit/audit-event.js';
import { AuthError, isAuthError } from '../../core/errors.js';
import type { Session } from '../../core/session/session.js';
import type { ApiApp } from '../api/api-app.js';
import { toOktaSession } from '../wire/okta-objects.js';
import { requestContext, requestOrigin } from './authn-routes.js';
import type { OktaDeps } from './okta-deps.js';
import { clearSidCookie, readSidCookie } from './sid-cookie.js';
import { requireSsws } from './ssws-auth.js';

const SessionTokenBody = Type.Object({ sessionToken: Type.String({ minLength: 1, maxLength: 256 }) });
const SessionParams = Type.Object({ sessionId: Type.String({ minLength: 1, maxLength: 128 }) });
const CreateQuery = Type.Object({ additionalFields: Type.Optional(Type.String({ maxLength: 256 })) });
const tags = ['okta-sessions'];

const sessionNotFound = (id: string) =>
  new AuthError('not_found', `Not found: Resource not found: ${id} (Session)`, { resource: 'Session' });

/**
 * Okta's Sessions API (okta-api.md §4). Sessions are the engine's SessionService sessions, so
 * one made here also opens the seed API's /api/user, and the other way round.
 */
export function sessionsRoutes(app: ApiApp, deps: OktaDeps): void {
  const ssws = requireSsws(deps);

  /** The live session behind `token`, or 404 E0000007 as Okta answers for an unknown session. */
  const find = async (token: string, label: string): Promise<Session> => {
    try {
      return await deps.sessions.resolve(token);
    } catch (error) {
      if (isAuthError(error) && error.code === 'invalid_session') throw sessionNotFound(label);
      throw error;
    }
  };
  const wire = async (request: FastifyRequest, session: Session, token: string) => {
    const user = await deps.stores.identity.findUserById(session.userId);
    if (user === null) throw sessionNotFound(token);
    return toOktaSession(session, token, user, { ...deps.wire, baseUrl: requestOrigin(request) });
  };
  const end = async (token: string, label: string, context: RequestContext) => {
    const session = await find(token, label);
    await deps.sessions.end(token);
    const actor: AuditActor = { id: session.userId, type: 'User', alternateId: session.login, displayName: null };
    await deps.events.record(
      {
        eventType: 'user.session.end',
        severity: 'INFO',
        displayMessage: 'User logout from Okta',
        outcome: { result: 'SUCCESS', reason: null },
        actor,
        target: [{ id: session.userId, type: 'User', alternateId: session.login, displayName: null }],
      },
      context,
    );
  };
  /** /sessions/me is for browsers (the sid cookie); management credentials are refused. */
  const meToken = (request: FastifyRequest): string => {
    if (request.headers.authorization !== undefined) throw new AuthError('api_token_required', 'Invalid session');
    const sid = readSidCookie(request.headers.cookie);
    if (sid === null) throw sessionNotFound('me');
    return sid;
  };

  app.post(
    '/sessions',
    { schema: { tags, summary: 'Creates a session from a sessionToken', body: SessionTokenBody, querystring: CreateQuery } },
    async (request) => {
      const { started } = await deps.authn.exchangeSessionToken(request.body.sessionToken, requestContext(request));
      return wire(request, started.session, started.token);
    },
  );

  app.get('/sessions/me', { schema: { tags, summary: "The caller's session (sid cookie)" } }, async (request) => {
    const token = meToken(request);
    return wire(request, await find(token, 'me'), token);
  });

  app.post('/sessions/me/lifecycle/refresh', { schema: { tags, summary: "Refreshes the caller's session" } }, async (request) => {
    const token = meToken(request);
    return wire(request, await find(token, 'me'), token);
  });

  app.delete('/sessions/me', { schema: { tags, summary: "Ends the caller's session" } }, async (request, reply) => {
    await end(meToken(request), 'me', requestContext(request));
    reply.header('set-cookie', clearSidCookie(deps.wire.baseUrl));
    return reply.code(204).send();
  });

  app.get(
    '/sessions/:sessionId',
    { preHandler: ssws, schema: { tags, summary: 'A session by id', params: SessionParams } },
    async (request) => wire(request, await find(request.params.sessionId, request.params.sessionId), request.params.sessionId),
  );

  app.post(
    '/sessions/:sessionId/lifecycle/refresh',
    { preHandler: ssws, schema: { tags, summary: "Extends a session's idle expiry", params: SessionParams } },
    async (request) => wire(request, await find(request.params.sessionId, request.params.sessionId), request.params.sessionId),
  );

  app.delete(
    '/sessions/:sessionId',
    { preHandler: ssws, schema: { tags, summary: 'Ends a session', params: SessionParams } },
    async (request, reply) => {
      await end(request.params.sessionId, request.params.sessionId, requestContext(request));
      return reply.code(204).send();
    },
  );
}
