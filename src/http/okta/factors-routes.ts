import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../../core/audit/audit-event.js';
import { AuthError } from '../../core/errors.js';
import type { Factor, FactorProvider, FactorType } from '../../core/factors/factor.js';
import type { FactorStrategy, VerifyOutcome } from '../../core/factors/factor-strategy.js';
import type { User } from '../../core/identity/user.js';
import { enforceLimit } from '../../core/ratelimit/enforce.js';
import type { RateLimitRule } from '../../core/ratelimit/rate-limiter.js';
import type { ApiApp } from '../api/api-app.js';
import { factorHref, toOktaFactor, toOktaSupportedFactor } from '../wire/okta-factor.js';
import type { Link } from '../wire/okta-objects.js';
import type { OktaDeps } from './okta-deps.js';
import { orgRateLimit } from './org-rate-limit.js';
import { requireSsws } from './ssws-auth.js';

const Bool = Type.Union([Type.Literal('true'), Type.Literal('false')]);
const UserParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 200 }) });
const FactorParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 200 }), factorId: Type.String({ minLength: 1, maxLength: 40 }) });
const TransactionParams = Type.Object({
  userId: Type.String({ minLength: 1, maxLength: 200 }),
  factorId: Type.String({ minLength: 1, maxLength: 40 }),
  transactionId: Type.String({ minLength: 1, maxLength: 60 }),
});
const Lifetime = Type.String({ pattern: '^[0-9]{1,5}$' });
const EnrollQuery = Type.Object(
  { activate: Type.Optional(Bool), tokenLifetimeSeconds: Type.Optional(Lifetime), updatePhone: Type.Optional(Bool), templateId: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
const EnrollBody = Type.Object(
  {
    factorType: Type.String({ minLength: 1, maxLength: 40 }),
    provider: Type.String({ minLength: 1, maxLength: 20 }),
    profile: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 200 }))),
  },
  { additionalProperties: true },
);
const PassCodeBody = Type.Object({ passCode: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: true });
const VerifyQuery = Type.Object({ tokenLifetimeSeconds: Type.Optional(Lifetime), templateId: Type.Optional(Type.String()) }, { additionalProperties: true });

/** Okta: more than 5 activation attempts per factor in 5 minutes → 429 E0000047. */
const ACTIVATE_RULE: RateLimitRule = { name: 'factor-activate', limit: 5, windowMs: 5 * 60_000 };

const origin = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;
const contextOf = (request: FastifyRequest): RequestContext => ({
  ip: request.ip,
  userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  requestId: request.id,
});
const link = (href: string, allow: string[]): Link => ({ href, hints: { allow } });

function lifetime(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!(value >= 1 && value <= 86_400)) {
    throw new AuthError('validation_failed', 'tokenLifetimeSeconds', {
      causes: [{ summary: 'tokenLifetimeSeconds: must be between 1 and 86400', location: 'tokenLifetimeSeconds' }],
    });
  }
  return value;
}

/**
 * Okta's Factors API under /api/v1/users/{userId}/factors (okta-api.md §3), SSWS-protected.
 * Everything type-specific goes through the FactorStrategy table; this module only maps to
 * Okta's wire shapes. Declared in a child scope whose JSON parser accepts an empty body, since
 * Okta's verify, activate and resend calls are routinely POSTed without one.
 */
export function factorsRoutes(okta: ApiApp, deps: OktaDeps): void {
  void okta.register(async (scope) => {
    const app = scope as unknown as ApiApp;
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, {});
      try {
        done(null, JSON.parse(text));
      } catch {
        done(Object.assign(new Error('The request body was not well-formed.'), { statusCode: 400 }), undefined);
      }
    });

    // No body at all (no Content-Type either): the same as an empty one.
    app.addHook('preValidation', async (request) => {
      if (request.method === 'POST' && (request.body === undefined || request.body === null)) request.body = {};
    });

    const preHandler = [requireSsws(deps), orgRateLimit(deps, 'management', deps.orgRateLimits.management)];

    const findUser = async (userId: string): Promise<User> => {
      const user = (await deps.stores.identity.findUserById(userId)) ?? (await deps.stores.identity.findUserByLogin(userId));
      if (user === null) throw new AuthError('not_found', `Not found: Resource not found: ${userId} (User)`, { resource: 'User' });
      return user;
    };
    const findFactor = async (userId: string, factorId: string): Promise<{ user: User; factor: Factor; strategy: FactorStrategy }> => {
      const user = await findUser(userId);
      const factor = await deps.stores.factors.findFactor(factorId);
      const strategy = factor === null ? undefined : deps.strategies.get(factor.factorType);
      if (factor === null || factor.userId !== user.id || strategy === undefined) {
        throw new AuthError('not_found', `Not found: Resource not found: ${factorId} (UserFactor)`, { resource: 'UserFactor' });
      }
      return { user, factor, strategy };
    };
    const reload = async (factor: Factor): Promise<Factor> => (await deps.stores.factors.findFactor(factor.id)) ?? factor;

    app.get('/users/:userId/factors', { preHandler, schema: { params: UserParams } }, async (request) => {
      const user = await findUser(request.params.userId);
      return (await deps.stores.factors.listFactors(user.id)).map((f) => toOktaFactor(f, origin(request)));
    });

    app.get('/users/:userId/factors/catalog', { preHandler, schema: { params: UserParams } }, async (request) => {
      const user = await findUser(request.params.userId);
      const enrolled = await deps.stores.factors.listFactors(user.id);
      return [...deps.strategies.values()].flatMap((s) =>
        s.providers.map((provider) =>
          toOktaSupportedFactor(
            { factorType: s.factorType, provider },
            enrolled.find((f) => f.factorType === s.factorType && f.provider === provider),
            origin(request),
            user.id,
          ),
        ),
      );
    });

    app.post(
      '/users/:userId/factors',
      { preHandler, schema: { params: UserParams, querystring: EnrollQuery, body: EnrollBody } },
      async (request) => {
        const user = await findUser(request.params.userId);
        const strategy = deps.strategies.get(request.body.factorType as FactorType);
        if (strategy === undefined) {
          throw new AuthError('validation_failed', 'factorType', {
            causes: [{ summary: 'factorType: The factor type is not supported.', location: 'factorType' }],
          });
        }
        if (!strategy.providers.includes(request.body.provider as FactorProvider)) {
          throw new AuthError('validation_failed', 'provider', {
            causes: [{ summary: 'provider: The provider is not supported for this factor type.', location: 'provider' }],
          });
        }
        const tokenLifetimeSeconds = lifetime(request.query.tokenLifetimeSeconds);
        const { factor, activation } = await strategy.enroll(
          user,
          {
            provider: request.body.provider as FactorProvider,
            profile: request.body.profile ?? {},
            activateNow: request.query.activate === 'true',
            ...(tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds }),
          },
          contextOf(request),
        );
        return toOktaFactor(factor, origin(request), activation);
      },
    );

    app.get('/users/:userId/factors/:factorId', { preHandler, schema: { params: FactorParams } }, async (request) => {
      const { factor } = await findFactor(request.params.userId, request.params.factorId);
      return toOktaFactor(factor, origin(request));
    });

    app.delete('/users/:userId/factors/:factorId', { preHandler, schema: { params: FactorParams } }, async (request, reply) => {
      const { factor } = await findFactor(request.params.userId, request.params.factorId);
      await deps.stores.factors.deleteFactor(factor.id);
      return reply.code(204).send();
    });

    app.post(
      '/users/:userId/factors/:factorId/lifecycle/activate',
      { preHandler, schema: { params: FactorParams, body: PassCodeBody } },
      async (request) => {
        const { user, factor, strategy } = await findFactor(request.params.userId, request.params.factorId);
        // Counted before anything is compared.
        await enforceLimit(deps.limiter, ACTIVATE_RULE, factor.id, deps.clock.now());
        await strategy.activate(user, factor, request.body?.passCode, contextOf(request));
        return toOktaFactor(await reload(factor), origin(request));
      },
    );

    app.post('/users/:userId/factors/:factorId/resend', { preHandler, schema: { params: FactorParams } }, async (request) => {
      const { user, factor, strategy } = await findFactor(request.params.userId, request.params.factorId);
      await strategy.resendActivation(user, factor, contextOf(request));
      return toOktaFactor(await reload(factor), origin(request));
    });

    app.post(
      '/users/:userId/factors/:factorId/verify',
      { preHandler, schema: { params: FactorParams, querystring: VerifyQuery, body: PassCodeBody } },
      async (request, reply) => {
        const { user, factor, strategy } = await findFactor(request.params.userId, request.params.factorId);
        lifetime(request.query.tokenLifetimeSeconds);
        const self = factorHref(origin(request), user.id, factor.id);
        const passCode = request.body?.passCode;
        if (passCode === undefined || factor.factorType === 'push') {
          const outcome = await strategy.challenge(user, factor, contextOf(request));
          if (outcome.kind === 'waiting') {
            return reply.code(201).send(waiting(self, factor, outcome.transactionId, outcome.expiresAt, false));
          }
          return { factorResult: 'CHALLENGE', _links: { verify: link(`${self}/verify`, ['POST']), factor: link(self, ['GET', 'DELETE']) } };
        }
        const outcome = await strategy.verify(user, factor, { passCode }, contextOf(request));
        return verifyBody(self, factor, outcome);
      },
    );

    app.get('/users/:userId/factors/:factorId/transactions/:transactionId', { preHandler, schema: { params: TransactionParams } }, async (request) => {
      const { user, factor, strategy } = await findFactor(request.params.userId, request.params.factorId);
      if (factor.factorType !== 'push') throw new AuthError('not_found', `Not found: Resource not found: ${request.params.transactionId} (Transaction)`);
      const outcome = await strategy.verify(user, factor, { transactionId: request.params.transactionId }, contextOf(request));
      return verifyBody(factorHref(origin(request), user.id, factor.id), factor, outcome);
    });

    app.delete(
      '/users/:userId/factors/:factorId/transactions/:transactionId',
      { preHandler, schema: { params: TransactionParams } },
      async (request, reply) => {
        const { user, factor } = await findFactor(request.params.userId, request.params.factorId);
        if (factor.factorType !== 'push') throw new AuthError('not_found', `Not found: Resource not found: ${request.params.transactionId} (Transaction)`);
        await deps.pushFactor.cancel(user, factor, request.params.transactionId);
        return reply.code(204).send();
      },
    );
  });
}

/**
 * The WAITING answer. The poll carries `profile.credentialId` as Okta's examples do; the verify
 * answer (201) leaves it out, since management.yaml's UserFactorVerifyResponseWaiting types every
 * profile member as an object and NSDK deserialises by that schema.
 */
function waiting(self: string, factor: Factor, transactionId: string, expiresAt: Date, withProfile: boolean) {
  const tx = `${self}/transactions/${encodeURIComponent(transactionId)}`;
  return {
    expiresAt: expiresAt.toISOString(),
    factorResult: 'WAITING',
    ...(withProfile ? { profile: { credentialId: factor.profile.credentialId ?? '' } } : {}),
    _links: { poll: link(tx, ['GET']), cancel: link(tx, ['DELETE']) },
  };
}

/** Okta's verify / poll answers: SUCCESS bare; WAITING with poll+cancel; REJECTED/TIMEOUT with verify+factor. */
function verifyBody(self: string, factor: Factor, outcome: VerifyOutcome) {
  switch (outcome.result) {
    case 'SUCCESS':
      return { factorResult: 'SUCCESS' };
    case 'WAITING':
      return waiting(self, factor, outcome.transactionId, outcome.expiresAt, true);
    case 'REJECTED':
    case 'TIMEOUT':
      return {
        factorResult: outcome.result,
        profile: { credentialId: factor.profile.credentialId ?? '' },
        _links: { verify: link(`${self}/verify`, ['POST']), factor: link(self, ['GET', 'DELETE']) },
      };
  }
}
