import type { ApiApp } from '../api-app.js';
import { Type } from '@sinclair/typebox';
import type { ApiDeps } from '../api-deps.js';
import { requestContext } from '../../wire/request-context.js';
import { CodeBody, CodeResponse, ErrorResponse, ProfileSchema, SessionBody, TokenBody, TokenResponse } from '../schemas.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 429: ErrorResponse };

export function ssoRoutes(app: ApiApp, deps: ApiDeps): void {
  app.post('/sso/grant', {
    schema: {
      summary: 'A single-use grant code (60 s) for an ACTIVE session',
      tags: ['seed'],
      body: SessionBody,
      response: { 200: CodeResponse, ...errors },
    },
    handler: async (request) => ({ code: await deps.sso.grant(request.body.sessionId) }),
  });

  app.post('/sso/token', {
    schema: {
      summary: "Exchange a grant code once for an HS256 JWT carrying the user's profile (10 h)",
      tags: ['seed'],
      body: CodeBody,
      response: { 200: TokenResponse, ...errors },
    },
    handler: async (request) => ({ token: await deps.sso.token(request.body.code, requestContext(request)) }),
  });

  app.post('/sso/verify', {
    schema: {
      summary: 'Verify a token from /api/sso/token and return the profile inside it',
      tags: ['seed'],
      body: TokenBody,
      response: { 200: Type.Unsafe<Record<string, unknown>>(ProfileSchema), ...errors },
    },
    handler: async (request) => deps.sso.verify(request.body.token),
  });
}
