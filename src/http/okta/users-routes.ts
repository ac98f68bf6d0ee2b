import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditActor } from '../../core/audit/audit-event.js';
import { AuthError } from '../../core/errors.js';
import type { AdminCaller } from '../../core/identity/user-admin.js';
import type { User, UserProfile } from '../../core/identity/user.js';
import { parseUserExpression, type UserCondition, type UserListQuery } from '../../core/identity/user-query.js';
import type { ApiApp } from '../api/api-app.js';
import { toOktaUser } from '../wire/okta-objects.js';
import { requestContext } from '../wire/request-context.js';
import type { OktaDeps } from './okta-deps.js';
import { orgRateLimit } from './org-rate-limit.js';
import { requireSsws, sswsPrincipal } from './ssws-auth.js';

const Str = (max: number) => Type.String({ maxLength: max });

/** Okta's base profile attributes that Latchkey stores; anything else is refused (Okta: not in the profile schema). */
const profileProperties = {
  firstName: Type.String({ minLength: 1, maxLength: 50 }),
  lastName: Type.String({ minLength: 1, maxLength: 50 }),
  email: Type.String({ minLength: 5, maxLength: 100, format: 'email' }),
  login: Type.String({ minLength: 1, maxLength: 100 }),
  mobilePhone: Type.Optional(Type.Union([Str(100), Type.Null()])),
  locale: Type.Optional(Str(20)),
  timeZone: Type.Optional(Str(64)),
};
const FullProfile = Type.Object(profileProperties, { additionalProperties: false });
const PartialProfile = Type.Partial(FullProfile, { additionalProperties: false });

const Credentials = Type.Object(
  { password: Type.Optional(Type.Object({ value: Type.Optional(Type.String({ maxLength: 1024 })) })) },
  { additionalProperties: true },
);

const CreateUserBody = Type.Object(
  { profile: FullProfile, credentials: Type.Optional(Credentials) },
  { additionalProperties: true, description: 'groupIds, type and recovery questions are accepted and ignored' },
);
const UpdateUserBody = Type.Object({ profile: Type.Optional(PartialProfile), credentials: Type.Optional(Credentials) }, { additionalProperties: true });
const ReplaceUserBody = Type.Object({ profile: FullProfile, credentials: Type.Optional(Credentials) }, { additionalProperties: true });

const Bool = Type.Union([Type.Literal('true'), Type.Literal('false')]);
const CreateQuery = Type.Object({ activate: Type.Optional(Bool), provider: Type.Optional(Bool), nextLogin: Type.Optional(Type.String()) });
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  filter: Type.Optional(Type.String({ maxLength: 2000 })),
  search: Type.Optional(Type.String({ maxLength: 2000 })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })),
  after: Type.Optional(Type.String({ maxLength: 100 })),
});
const UserParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 200 }) });
const LifecycleQuery = Type.Object({ sendEmail: Type.Optional(Bool) }, { additionalProperties: true });

const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 200;

/** Where the request says it came to: links point back there, so NSDK's cache keys match its own URLs. */
export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export function callerOf(request: FastifyRequest): AdminCaller {
  const token = sswsPrincipal(request);
  const actor: AuditActor = { id: token.id, type: 'SystemPrincipal', alternateId: 'SSWS API token', displayName: token.name };
  return { actor, context: requestContext(request) };
}


/** Okta's RFC 5988 paging: `Link: <…>; rel="self"` always, `rel="next"` when a further page may exist. */
export function pageLinks(reply: FastifyReply, origin: string, path: string, params: Record<string, string | undefined>, next: string | null): void {
  const query = (extra: Record<string, string | undefined>) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...params, ...extra })) if (v !== undefined) search.set(k, v);
    const text = search.toString();
    return text === '' ? '' : `?${text}`;
  };
  const links = [`<${origin}${path}${query({})}>; rel="self"`];
  if (next !== null) links.push(`<${origin}${path}${query({ after: next })}>; rel="next"`);
  reply.header('link', links);
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new AuthError('validation_failed', 'limit', { causes: [{ summary: 'limit: must be a positive whole number' }] });
  }
  return Math.min(n, MAX_LIMIT);
}

function listQuery(query: Static<typeof ListQuery>, limit: number): UserListQuery {
  const parts: UserCondition[] = [];
  if (query.filter !== undefined && query.filter.trim() !== '') parts.push(parseUserExpression(query.filter, 'filter'));
  if (query.search !== undefined && query.search.trim() !== '') parts.push(parseUserExpression(query.search, 'search'));
  // As Okta: without a filter or search, deprovisioned users are left out of the list.
  if (parts.length === 0) parts.push({ field: 'status', op: 'ne', value: 'DEPROVISIONED' });
  return {
    ...(query.q !== undefined && query.q !== '' ? { prefix: query.q } : {}),
    where: parts.length === 1 ? (parts[0] as UserCondition) : { and: parts },
    ...(query.after !== undefined ? { after: query.after } : {}),
    limit,
  };
}

const passwordOf = (credentials: Static<typeof Credentials> | undefined): string | undefined => credentials?.password?.value;

/** The Users API (okta-api.md §2) under /api/v1/users, SSWS-protected. */
export function usersRoutes(app: ApiApp, deps: OktaDeps): void {
  const auth = requireSsws(deps);
  const limits = deps.orgRateLimits;
  const collection = [auth, orgRateLimit(deps, 'users', limits.users)];
  const single = [auth, orgRateLimit(deps, 'user', limits.userById)];
  const management = [auth, orgRateLimit(deps, 'management', limits.management)];
  const wire = (request: FastifyRequest, user: User) => toOktaUser(user, { ...deps.wire, baseUrl: requestOrigin(request) });

  app.post('/users', {
    schema: { summary: 'Create a user (Okta Users API)', tags: ['okta'], querystring: CreateQuery, body: CreateUserBody },
    preHandler: collection,
    handler: async (request) => {
      const password = passwordOf(request.body.credentials);
      const user = await deps.users.create(
        {
          profile: request.body.profile as UserProfile,
          ...(password !== undefined ? { password } : {}),
          activate: request.query.activate !== 'false',
        },
        callerOf(request),
      );
      return wire(request, user);
    },
  });

  app.get('/users', {
    schema: { summary: 'List users: q, filter, search, limit, after (Link paging)', tags: ['okta'], querystring: ListQuery },
    preHandler: collection,
    handler: async (request, reply) => {
      const limit = parseLimit(request.query.limit);
      // One more than asked: a next link only when another page really exists.
      const users = await deps.users.list(listQuery(request.query, limit + 1));
      const page = users.slice(0, limit);
      const more = users.length > limit;
      const { q, filter, search } = request.query;
      pageLinks(reply, requestOrigin(request), '/api/v1/users', { q, filter, search, limit: String(limit), after: request.query.after }, more ? (page[page.length - 1]?.id ?? null) : null);
      return page.map((user) => wire(request, user));
    },
  });

  app.get('/users/:userId', {
    schema: { summary: 'Get a user by id or login', tags: ['okta'], params: UserParams },
    preHandler: single,
    handler: async (request) => wire(request, await deps.users.get(request.params.userId)),
  });

  const update = (replace: boolean) => async (request: FastifyRequest<{ Params: Static<typeof UserParams>; Body: Static<typeof UpdateUserBody> }>) => {
    const password = passwordOf(request.body.credentials);
    const user = await deps.users.update(
      request.params.userId,
      {
        ...(request.body.profile !== undefined ? { profile: request.body.profile as Partial<UserProfile> } : {}),
        ...(password !== undefined ? { password } : {}),
        replace,
      },
      callerOf(request),
    );
    return wire(request, user);
  };
  app.post('/users/:userId', {
    schema: { summary: 'Update a user partially (profile attributes given win)', tags: ['okta'], params: UserParams, body: UpdateUserBody },
    preHandler: management,
    handler: update(false),
  });
  app.put('/users/:userId', {
    schema: { summary: 'Replace a user profile', tags: ['okta'], params: UserParams, body: ReplaceUserBody },
    preHandler: management,
    handler: update(true),
  });

  const lifecycle = (operation: string, summary: string, act: (id: string, by: AdminCaller) => Promise<unknown>, answer: 'empty' | 'user' = 'empty') =>
    app.post(`/users/:userId/lifecycle/${operation}`, {
      schema: { summary, tags: ['okta'], params: UserParams, querystring: LifecycleQuery },
      preHandler: management,
      handler: async (request) => {
        const result = await act(request.params.userId, callerOf(request));
        return answer === 'user' ? wire(request, result as User) : {};
      },
    });
  lifecycle('activate', 'Activate a STAGED or DEPROVISIONED user (no activation mail is sent)', (id, by) => deps.users.activate(id, by));
  lifecycle('deactivate', 'Deactivate a user (DEPROVISIONED; sessions end)', (id, by) => deps.users.deactivate(id, by));
  lifecycle('unlock', 'Unlock a LOCKED_OUT user', (id, by) => deps.users.unlock(id, by));
  lifecycle('expire_password', 'Expire the password (PASSWORD_EXPIRED)', (id, by) => deps.users.expirePassword(id, by), 'user');
  lifecycle('reset_factors', "Delete all of the user's factors", (id, by) => deps.users.resetFactors(id, by));

  app.delete('/users/:userId', {
    schema: { summary: 'Delete a DEPROVISIONED user; the first DELETE of any other user deactivates it', tags: ['okta'], params: UserParams },
    preHandler: management,
    handler: async (request, reply) => {
      await deps.users.delete(request.params.userId, callerOf(request));
      return reply.code(204).send();
    },
  });
}
