import type { ApiApp } from '../api-app.js';
import type { FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { AuthError } from '../../../core/errors.js';
import { toOktaSession, toOktaUser } from '../../wire/okta-objects.js';
import { requestContext } from '../../wire/request-context.js';
import type { ApiDeps } from '../api-deps.js';
import type {
  OktaSessionSchema} from '../schemas.js';
import {
  ErrorResponse,
  LoginBody,
  LoginResponse,
  MfaVerifyBody,
  OktaUserSchema,
  SessionBody,
  SessionIdSchema,
  SuccessResponse,
  UserQuery,
} from '../schemas.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse };

/** `Authorization: Bearer`, then `?sessionId=`, then a JSON body: the ways the original's clients send it. */
function sessionIdOf(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1]) return match[1];
  }
  const query = request.query as { sessionId?: string };
  if (query.sessionId) return query.sessionId;
  const body: unknown = request.body ?? getBodies.get(request);
  if (typeof body === 'object' && body !== null && (body as { sessionId?: unknown }).sessionId !== undefined) {
    // The GET body escapes the route schema: apply SessionIdSchema's rules here, so a bad value is
    // a VALIDATION_ERROR as it is in the query string, not an "Invalid session" 401.
    const value = (body as { sessionId: unknown }).sessionId;
    const { minLength = 1, maxLength = 128 } = SessionIdSchema;
    if (typeof value !== 'string') throw bodySessionIdInvalid('"sessionId" must be a string', 'string.base');
    if (value.length < minLength) {
      throw bodySessionIdInvalid('"sessionId" is not allowed to be empty', 'string.empty');
    }
    if (value.length > maxLength) {
      throw bodySessionIdInvalid(
        `"sessionId" length must be less than or equal to ${maxLength} characters long`,
        'string.max',
      );
    }
    return value;
  }
  throw new AuthError('validation_failed', 'sessionId is required', {
    causes: [{ summary: '"sessionId" is required', reason: 'any.required', location: 'sessionId' }],
  });
}

const bodySessionIdInvalid = (summary: string, reason: string) =>
  new AuthError('validation_failed', summary, { causes: [{ summary, reason, location: 'sessionId' }] });

// Fastify does not parse bodies of GET requests; the original's clients send {sessionId} in one.
const getBodies = new WeakMap<FastifyRequest, unknown>();

async function readGetBody(request: FastifyRequest, limit: number): Promise<void> {
  const length = request.headers['content-length'];
  const chunked = request.headers['transfer-encoding'] !== undefined;
  if ((length === undefined || length === '0') && !chunked) return;
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) return;
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request.raw) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      throw Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    }
    chunks.push(buffer);
  }
  try {
    getBodies.set(request, JSON.parse(Buffer.concat(chunks).toString('utf8')));
  } catch {
    throw Object.assign(new Error('Invalid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
  }
}

export function sessionRoutes(app: ApiApp, deps: ApiDeps): void {
  app.post('/login', {
    schema: {
      summary: 'Check the password: a session (MFA_REQUIRED) when the email factor is active, else {userId}',
      tags: ['seed'],
      body: LoginBody,
      response: { 200: LoginResponse, ...errors },
    },
    handler: async (request) => {
      const result = await deps.provider.login({ email: request.body.email, password: request.body.password, ip: request.ip, context: requestContext(request) });
      if (result.kind === 'factor_not_active') return { userId: result.userId };
      const view = result.session;
      // An upstream org's session object goes out as the org sent it (its status set to the local MFA state).
      return view.source === 'local' ? toOktaSession(view.session, view.token, view.user, deps.wire) : (view.document as Static<typeof OktaSessionSchema>);
    },
  });

  app.post('/mfa/verify', {
    schema: {
      summary: 'Without otp: mail a sign-in code. With otp: verify it and activate the waiting session(s)',
      description:
        'With sessionId, exactly that session is upgraded. Without it, the user\'s MFA_REQUIRED sessions ' +
        'created before the verified code was sent are upgraded.',
      tags: ['seed'],
      body: MfaVerifyBody,
      response: { 200: SuccessResponse, ...errors, 503: ErrorResponse },
    },
    handler: async (request) => {
      const { userId, otp, sessionId } = request.body;
      const context = requestContext(request);
      if (otp === undefined) await deps.provider.mfaSend(userId, context);
      else await deps.provider.mfaVerify({ userId, otp, ...(sessionId !== undefined ? { sessionId } : {}), context });
      return { success: true };
    },
  });

  app.post('/logout', {
    schema: { summary: 'End the session', tags: ['seed'], body: SessionBody, response: { 200: SuccessResponse, ...errors } },
    handler: async (request) => {
      await deps.provider.logout(request.body.sessionId, requestContext(request));
      return { success: true };
    },
  });

  app.get('/user', {
    schema: {
      summary: "The session's user (Okta user object); the session must be ACTIVE",
      description: 'sessionId from `Authorization: Bearer`, the query string, or a JSON body.',
      tags: ['seed'],
      querystring: UserQuery,
      response: { 200: OktaUserSchema, ...errors },
    },
    preValidation: async (request) => readGetBody(request, app.initialConfig.bodyLimit ?? 65_536),
    handler: async (request) => {
      const view = await deps.provider.getUserBySession(sessionIdOf(request));
      // An upstream org's user object goes out as the org sent it.
      return view.source === 'local' ? toOktaUser(view.user, deps.wire) : (view.document as Static<typeof OktaUserSchema>);
    },
  });
}
