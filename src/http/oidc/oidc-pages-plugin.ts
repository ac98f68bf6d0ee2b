import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isAuthError } from '../../core/errors.js';
import { hexEqual, sha256Hex } from '../../core/hashing.js';
import { randomToken } from '../../core/random.js';
import type { OidcDeps } from './oidc-deps.js';
import { addFormParser, addOAuthErrorHandler, bodyParams, cookie, PAGE_CSP, setCookie, type Params } from './oidc-http.js';
import { errorPage, FORM_POST_JS, FORM_POST_SCRIPT, POST_MESSAGE_JS, POST_MESSAGE_SCRIPT, signInPage } from './oidc-pages.js';
import { CSRF_COOKIE, SID_COOKIE, SIGNIN_PATH } from './oidc-server-plugin.js';

/**
 * The scripts of the form_post and okta_post_message pages (files, so those pages need no inline
 * script), and the minimal hosted sign-in: password (the seed login, with its rate limits and
 * lockout), then the emailed code, then back to /authorize with the sid cookie set.
 */
export const oidcPagesPlugin: FastifyPluginAsync<{ deps: OidcDeps }> = async (app, { deps }) => {
  addFormParser(app);
  addOAuthErrorHandler(app);
  const secure = deps.publicUrl.startsWith('https:');
  const publicOrigin = new URL(deps.publicUrl).origin;
  const authorizePaths = deps.servers.map((s) => `${new URL(s.endpointBase).pathname}/authorize?`);

  const script = (body: string) => async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(body);
  app.get(FORM_POST_SCRIPT, { schema: { hide: true } }, script(FORM_POST_JS));
  app.get(POST_MESSAGE_SCRIPT, { schema: { hide: true } }, script(POST_MESSAGE_JS));

  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store').send(body);

  /** Double-submit cookie plus a same-origin check (security.md item 35). */
  const checkForm = (request: FastifyRequest, params: Params): string | null => {
    const site = request.headers['sec-fetch-site'];
    if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return null;
    const origin = request.headers.origin;
    if (typeof origin === 'string' && origin !== publicOrigin && origin !== 'null') return null;
    const fromCookie = cookie(request, CSRF_COOKIE);
    const fromForm = params.csrf;
    if (fromCookie === null || fromForm === undefined || !hexEqual(sha256Hex(fromCookie), sha256Hex(fromForm))) return null;
    const authorize = params.authorize;
    if (authorize === undefined || !authorizePaths.some((p) => authorize.startsWith(p))) return null;
    return authorize;
  };

  const again = (reply: FastifyReply, authorize: string, step: 'password' | 'passcode', message: string, username?: string) => {
    const csrf = randomToken(deps.random, 32);
    setCookie(reply, CSRF_COOKIE, csrf, { secure, sameSite: 'Strict', path: '/oauth2' });
    const action = step === 'password' ? SIGNIN_PATH : `${SIGNIN_PATH}/verify`;
    return html(reply, 200, signInPage({ action, authorize, csrf, step, message, ...(username === undefined ? {} : { username }) }));
  };

  app.post(SIGNIN_PATH, { schema: { hide: true } }, async (request, reply) => {
    const params = bodyParams(request);
    const authorize = checkForm(request, params);
    if (authorize === null) return html(reply, 403, errorPage('access_denied', 'The sign-in form has expired. Go back to the application and try again.'));
    const username = params.username ?? '';
    try {
      const result = await deps.login.login({ login: username, password: params.password ?? '', ip: request.ip });
      if (result.kind === 'factor_not_active') return again(reply, authorize, 'password', 'Your account has no active email factor yet.', username);
      setCookie(reply, SID_COOKIE, result.started.token, { secure, sameSite: secure ? 'None' : 'Lax' });
      await deps.mfa.send(result.started.session.userId);
      return again(reply, authorize, 'passcode', 'Enter the code we emailed you.');
    } catch (error) {
      if (isAuthError(error) && error.code === 'rate_limited') return again(reply, authorize, 'password', 'Too many attempts. Try again later.', username);
      if (isAuthError(error)) return again(reply, authorize, 'password', 'Sign-in failed. Check your username and password.', username);
      throw error;
    }
  });

  app.post(`${SIGNIN_PATH}/verify`, { schema: { hide: true } }, async (request, reply) => {
    const params = bodyParams(request);
    const authorize = checkForm(request, params);
    if (authorize === null) return html(reply, 403, errorPage('access_denied', 'The sign-in form has expired. Go back to the application and try again.'));
    const sid = cookie(request, SID_COOKIE);
    const session = sid === null ? null : await deps.sessions.resolve(sid).catch(() => null);
    if (sid === null || session === null) return again(reply, authorize, 'password', 'Your sign-in expired. Sign in again.');
    try {
      await deps.mfa.verify({ userId: session.userId, otp: params.passcode ?? '', sessionToken: sid });
    } catch (error) {
      if (isAuthError(error)) return again(reply, authorize, 'passcode', 'That code is not valid. Try again.');
      throw error;
    }
    return reply.header('cache-control', 'no-store').redirect(authorize, 303);
  });
};
