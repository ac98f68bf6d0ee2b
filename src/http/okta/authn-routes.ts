import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../../core/audit/audit-event.js';
import { AuthError } from '../../core/errors.js';
import type { AuthnView } from '../../core/flows/authn/authn-service.js';
import type { RateLimitResult } from '../../core/ratelimit/rate-limiter.js';
import type { ApiApp } from '../api/api-app.js';
import type { OktaWireContext } from '../wire/okta-objects.js';
import { lockedOutTransaction, toAuthnTransaction } from './authn-wire.js';
import type { OktaDeps } from './okta-deps.js';
import { parseLenientJson } from './lenient-json.js';
import { rateLimitHeaders } from '../wire/rate-limit-headers.js';

const StateToken = Type.String({ minLength: 1, maxLength: 256 });
const PassCode = Type.String({ maxLength: 64 });
const Flag = Type.Optional(Type.String({ maxLength: 16, description: 'true or false' }));

const PrimaryBody = Type.Object({
  username: Type.Optional(Type.String({ maxLength: 256 })),
  password: Type.Optional(Type.String({ maxLength: 1024 })),
  stateToken: Type.Optional(StateToken),
  relayState: Type.Optional(Type.String({ maxLength: 2048 })),
  options: Type.Optional(
    Type.Object({
      multiOptionalFactorEnroll: Type.Optional(Type.Boolean()),
      warnBeforePasswordExpired: Type.Optional(Type.Boolean()),
    }),
  ),
  context: Type.Optional(Type.Object({ deviceToken: Type.Optional(Type.String({ maxLength: 32 })) })),
});
const StateBody = Type.Object({ stateToken: StateToken });
const VerifyBody = Type.Object({ stateToken: StateToken, passCode: Type.Optional(PassCode), answer: Type.Optional(PassCode) });
const VerifyQuery = Type.Object({ rememberDevice: Flag, autoPush: Flag });
const EnrollBody = Type.Object({
  stateToken: StateToken,
  factorType: Type.String({ minLength: 1, maxLength: 64 }),
  provider: Type.String({ minLength: 1, maxLength: 32 }),
  profile: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 256 }))),
});
const ActivateBody = Type.Object({ stateToken: StateToken, passCode: Type.Optional(PassCode) });
const ChangePasswordBody = Type.Object({
  stateToken: StateToken,
  oldPassword: Type.String({ maxLength: 1024 }),
  newPassword: Type.String({ maxLength: 1024 }),
});
const FactorParams = Type.Object({ factorId: Type.String({ minLength: 1, maxLength: 64 }) });

const tags = ['okta-authn'];

export const requestOrigin = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;
export const requestContext = (request: FastifyRequest): RequestContext => ({
  ip: request.ip,
  userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  requestId: request.id,
});

function setRateLimitHeaders(reply: FastifyReply, limit: RateLimitResult | null): void {
  if (limit !== null) reply.headers(rateLimitHeaders(limit));
}

/**
 * Okta's Classic authn API (okta-api.md §1): `POST /api/v1/authn` and the transaction's
 * operations. Each answer is the transaction object drawn by authn-wire.ts.
 */
export function authnRoutes(parent: ApiApp, deps: OktaDeps): void {
  // A child scope, so the lenient JSON parser applies to the authn routes only.
  void parent.register(async (child) => {
    const app = child as unknown as ApiApp;
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, parseLenientJson(typeof body === 'string' ? body : body.toString('utf8')));
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        done(Object.assign(failure, { statusCode: 400 }), undefined);
      }
    });
    declareAuthnRoutes(app, deps);
  });
}

function declareAuthnRoutes(app: ApiApp, deps: OktaDeps): void {
  const wireOf = (request: FastifyRequest): OktaWireContext => ({ ...deps.wire, baseUrl: requestOrigin(request) });
  const answer = (request: FastifyRequest, view: AuthnView) => toAuthnTransaction(view, wireOf(request));

  app.post(
    '/authn',
    { schema: { tags, summary: 'Primary authentication, or the current state with {stateToken}', body: PrimaryBody } },
    async (request, reply) => {
      const body = request.body;
      if (body.stateToken !== undefined && body.username === undefined && body.password === undefined) {
        return answer(request, await deps.authn.status(body.stateToken));
      }
      if (body.username === undefined || body.password === undefined) {
        const missing = body.username === undefined ? 'username' : 'password';
        throw new AuthError('validation_failed', missing, { causes: [{ summary: `${missing}: The field cannot be left blank` }] });
      }
      const result = await deps.authn.primary(
        { username: body.username, password: body.password, options: body.options ?? {}, relayState: body.relayState ?? null },
        requestContext(request),
      );
      setRateLimitHeaders(reply, result.rateLimit);
      if (result.kind === 'locked_out') return lockedOutTransaction(wireOf(request));
      return answer(request, result.view);
    },
  );

  app.post('/authn/introspect', { schema: { tags, summary: 'The current state of a transaction', body: StateBody } }, async (request) =>
    answer(request, await deps.authn.status(request.body.stateToken)),
  );

  app.post('/authn/cancel', { schema: { tags, summary: 'Ends the transaction', body: StateBody } }, async (request) => {
    const { relayState } = await deps.authn.cancel(request.body.stateToken);
    return relayState === null ? {} : { relayState };
  });

  app.post('/authn/previous', { schema: { tags, summary: 'Back to the previous state', body: StateBody } }, async (request) =>
    answer(request, await deps.authn.previous(request.body.stateToken)),
  );

  app.post('/authn/skip', { schema: { tags, summary: 'Skips optional enrolment or the password warning', body: StateBody } }, async (request) =>
    answer(request, await deps.authn.skip(request.body.stateToken, requestContext(request))),
  );

  app.post(
    '/authn/factors/:factorId/verify',
    { schema: { tags, summary: 'Challenges or verifies a factor (push: polls)', params: FactorParams, querystring: VerifyQuery, body: VerifyBody } },
    async (request) => {
      const passCode = request.body.passCode ?? request.body.answer;
      const view = await deps.authn.verifyFactor(
        request.body.stateToken,
        request.params.factorId,
        passCode === undefined ? {} : { passCode },
        requestContext(request),
      );
      return answer(request, view);
    },
  );

  app.post(
    '/authn/factors/:factorId/verify/resend',
    { schema: { tags, summary: 'Sends a new challenge', params: FactorParams, body: StateBody } },
    async (request) => answer(request, await deps.authn.resendChallenge(request.body.stateToken, request.params.factorId, requestContext(request))),
  );

  app.post('/authn/factors', { schema: { tags, summary: 'Enrols a factor during sign-in', body: EnrollBody } }, async (request) => {
    const { stateToken, factorType, provider, profile } = request.body;
    return answer(request, await deps.authn.enroll(stateToken, { factorType, provider, profile: profile ?? {} }, requestContext(request)));
  });

  app.post(
    '/authn/factors/:factorId/lifecycle/activate',
    { schema: { tags, summary: 'Activates the factor being enrolled', params: FactorParams, body: ActivateBody } },
    async (request) =>
      answer(
        request,
        await deps.authn.activateFactor(request.body.stateToken, request.params.factorId, request.body.passCode, requestContext(request)),
      ),
  );

  app.post(
    '/authn/factors/:factorId/lifecycle/resend',
    { schema: { tags, summary: 'Resends the activation', params: FactorParams, body: StateBody } },
    async (request) => answer(request, await deps.authn.resendActivation(request.body.stateToken, request.params.factorId, requestContext(request))),
  );

  app.post(
    '/authn/credentials/change_password',
    { schema: { tags, summary: 'Changes an expired (or expiring) password', body: ChangePasswordBody } },
    async (request) => {
      const { stateToken, oldPassword, newPassword } = request.body;
      return answer(request, await deps.authn.changePassword(stateToken, { oldPassword, newPassword }, requestContext(request)));
    },
  );
}
