import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../../core/audit/audit-event.js';
import { supportedScopes, type AuthorizationServer } from '../../core/oidc/authorization-server.js';
import type { AuthorizeOutcome, AuthorizeSession } from '../../core/oidc/authorize-service.js';
import { OAuthError } from '../../core/oidc/oauth-error.js';
import { randomToken } from '../../core/random.js';
import type { OidcDeps } from './oidc-deps.js';
import { toOAuthWireError } from './oauth-error-serializer.js';
import {
  addFormParser,
  addOAuthErrorHandler,
  bodyParams,
  cookie,
  PAGE_CSP,
  presentedClient,
  queryParams,
  setCookie,
  type Params,
} from './oidc-http.js';
import { errorPage, formPostPage, postMessagePage, signInPage } from './oidc-pages.js';

export interface OidcServerPluginOptions {
  deps: OidcDeps;
  server: AuthorizationServer;
}

export const SID_COOKIE = 'sid';
export const CSRF_COOKIE = 'lk_csrf';
export const SIGNIN_PATH = '/oauth2/signin';

/** Where a request came from, for the System Log. */
const requestContext = (request: FastifyRequest): RequestContext => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null, requestId: request.id });

/** Path part of an absolute URL under the public URL. */
const pathOf = (url: string): string => new URL(url).pathname;

export function discoveryDocument(server: AuthorizationServer, registrationEndpoint: string | null): Record<string, unknown> {
  const base = server.endpointBase;
  return {
    issuer: server.issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    userinfo_endpoint: `${base}/userinfo`,
    ...(registrationEndpoint === null ? {} : { registration_endpoint: registrationEndpoint }),
    jwks_uri: `${base}/keys`,
    response_types_supported: ['code', 'id_token', 'token', 'id_token token'],
    response_modes_supported: ['query', 'fragment', 'form_post', 'okta_post_message'],
    grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', ...(server.custom ? ['client_credentials'] : [])],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: supportedScopes(server),
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    claims_supported: [
      'iss', 'ver', 'sub', 'aud', 'iat', 'exp', 'jti', 'auth_time', 'amr', 'idp', 'nonce', 'at_hash',
      'name', 'given_name', 'family_name', 'preferred_username', 'locale', 'zoneinfo', 'updated_at', 'email', 'email_verified',
    ],
    code_challenge_methods_supported: ['S256'],
    introspection_endpoint: `${base}/introspect`,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint: `${base}/revoke`,
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    end_session_endpoint: `${base}/logout`,
    request_parameter_supported: false,
    claims_parameter_supported: false,
  };
}

/**
 * One authorization server's endpoints (discovery, /keys, /authorize, /token, /introspect,
 * /revoke, /userinfo, /logout), registered at the server's own paths, with the OAuth error format.
 */
export const oidcServerPlugin: FastifyPluginAsync<OidcServerPluginOptions> = async (app, { deps, server }) => {
  addFormParser(app);
  addOAuthErrorHandler(app);
  const base = pathOf(server.endpointBase);
  const discoveryPath = server.custom ? `${pathOf(server.issuer)}/.well-known/openid-configuration` : '/.well-known/openid-configuration';
  const secure = deps.publicUrl.startsWith('https:');
  const registration = server.custom ? null : `${server.endpointBase}/clients`;
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

  // CORS (security.md 34): only for the configured trusted origins, the exact origin echoed with
  // credentials, and only on the JSON endpoints that browser SDKs (AJS) call with fetch. /authorize
  // and /logout are navigations and need none.
  const trusted = new Set(deps.corsOrigins);
  const corsPaths = [
    discoveryPath,
    ...(server.custom ? [`${pathOf(server.issuer)}/.well-known/oauth-authorization-server`] : []),
    ...['keys', 'token', 'introspect', 'revoke', 'userinfo'].map((e) => `${base}/${e}`),
  ];
  const corsPathSet = new Set(corsPaths);
  const trustedOrigin = (request: FastifyRequest): string | null => {
    const origin = request.headers.origin;
    return typeof origin === 'string' && trusted.has(origin) ? origin : null;
  };
  app.addHook('onRequest', async (request, reply) => {
    if (!corsPathSet.has(request.routeOptions.url ?? '')) return;
    reply.header('vary', 'Origin');
    const origin = trustedOrigin(request);
    if (origin === null) return;
    reply
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-credentials', 'true')
      .header('access-control-expose-headers', 'WWW-Authenticate');
  });
  for (const path of corsPaths) {
    app.options(path, { schema: { hide: true } }, async (request, reply) => {
      // An untrusted origin gets no CORS headers, so the browser refuses the actual request.
      if (trustedOrigin(request) !== null) {
        reply
          .header('access-control-allow-methods', 'GET, POST, OPTIONS')
          .header('access-control-allow-headers', 'Accept, Authorization, Content-Type, X-Okta-User-Agent-Extended, X-Requested-With')
          .header('access-control-max-age', '600');
      }
      return reply.code(204).send();
    });
  }

  app.get(discoveryPath, { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'max-age=86400, must-revalidate');
    return discoveryDocument(server, registration);
  });
  if (server.custom) {
    app.get(`${pathOf(server.issuer)}/.well-known/oauth-authorization-server`, { schema: { hide: true } }, async (_request, reply) => {
      reply.header('cache-control', 'max-age=86400, must-revalidate');
      return discoveryDocument(server, registration);
    });
  }

  app.get(`${base}/keys`, { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', `max-age=${deps.keysMaxAgeSeconds}, must-revalidate`);
    return deps.keys.jwks();
  });

  /** The live, fully authenticated session named by the sid cookie, or null. */
  const currentSession = async (request: FastifyRequest): Promise<AuthorizeSession | null> => {
    const sid = cookie(request, SID_COOKIE);
    if (sid === null) return null;
    try {
      const session = await deps.sessions.resolve(sid);
      const sessionHash = deps.sessions.hashOf(sid);
      if (session.status !== 'ACTIVE' || sessionHash === null) return null;
      return { session, sessionHash };
    } catch {
      return null;
    }
  };

  const respond = (reply: FastifyReply, outcome: AuthorizeOutcome, params: Params) => {
    noStore(reply);
    if (outcome.kind === 'error_page') {
      return reply.code(400).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(errorPage(outcome.error, outcome.description));
    }
    if (outcome.kind === 'login') {
      const csrf = randomToken(deps.random, 32);
      setCookie(reply, CSRF_COOKIE, csrf, { secure, sameSite: 'Strict', path: '/oauth2' });
      const returnTo = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) if (v !== undefined && !(k === 'prompt' && v.split(' ').includes('login'))) returnTo.set(k, v);
      returnTo.delete('sessionToken');
      return reply
        .code(200)
        .type('text/html; charset=utf-8')
        .header('content-security-policy', PAGE_CSP)
        .send(signInPage({ action: SIGNIN_PATH, authorize: `${base}/authorize?${returnTo.toString()}`, csrf, step: 'password' }));
    }
    const { target } = outcome;
    const encoded = new URLSearchParams(outcome.params).toString();
    switch (target.mode) {
      case 'query': {
        const sep = target.redirectUri.includes('?') ? '&' : '?';
        return reply.code(302).header('referrer-policy', 'no-referrer').redirect(`${target.redirectUri}${sep}${encoded}`, 302);
      }
      case 'fragment':
        return reply.code(302).header('referrer-policy', 'no-referrer').redirect(`${target.redirectUri}#${encoded}`, 302);
      case 'form_post':
        return reply
          .code(200)
          .type('text/html; charset=utf-8')
          .header('content-security-policy', `default-src 'none'; script-src 'self'; form-action ${target.redirectUri}; frame-ancestors 'none'; base-uri 'none'`)
          .send(formPostPage(target, outcome.params));
      case 'okta_post_message': {
        const origin = new URL(target.redirectUri).origin;
        return reply
          .code(200)
          .type('text/html; charset=utf-8')
          .header('content-security-policy', `default-src 'none'; script-src 'self'; frame-ancestors ${origin}; base-uri 'none'`)
          .send(postMessagePage(origin, outcome.params));
      }
    }
  };

  const authorize = async (request: FastifyRequest, reply: FastifyReply, params: Params) => {
    let session = await currentSession(request);
    // Like Okta Classic: a sessionToken is ignored when a sid session exists; otherwise it is
    // exchanged (once) for a session whose id becomes the sid cookie, in this same redirect.
    if (session === null && params.sessionToken !== undefined && deps.exchangeSessionToken !== undefined) {
      const sid = await deps.exchangeSessionToken(params.sessionToken, requestContext(request)).catch(() => null);
      if (sid !== null) {
        const session0 = await deps.sessions.resolve(sid).catch(() => null);
        const hash = deps.sessions.hashOf(sid);
        if (session0 !== null && session0.status === 'ACTIVE' && hash !== null) {
          session = { session: session0, sessionHash: hash };
          setCookie(reply, SID_COOKIE, sid, { secure, sameSite: secure ? 'None' : 'Lax' });
        }
      }
    }
    const outcome = await deps.authorize.authorize(server, params, session);
    return respond(reply, outcome, params);
  };

  app.get(`${base}/authorize`, { schema: { hide: true } }, async (request, reply) => {
    let params: Params;
    try {
      params = queryParams(request);
    } catch (error) {
      if (error instanceof OAuthError) return respond(reply, { kind: 'error_page', error: error.error, description: error.message }, {});
      throw error;
    }
    return authorize(request, reply, params);
  });
  app.post(`${base}/authorize`, { schema: { hide: true } }, async (request, reply) => authorize(request, reply, bodyParams(request)));

  app.post(`${base}/token`, { schema: { hide: true } }, async (request, reply) => {
    const params = bodyParams(request);
    noStore(reply);
    return deps.tokens.token(server, presentedClient(request, params), params, requestContext(request));
  });

  app.post(`${base}/introspect`, { schema: { hide: true } }, async (request, reply) => {
    const params = bodyParams(request);
    noStore(reply);
    return deps.tokens.introspect(server, presentedClient(request, params), params);
  });

  app.post(`${base}/revoke`, { schema: { hide: true } }, async (request, reply) => {
    const params = bodyParams(request);
    await deps.tokens.revoke(server, presentedClient(request, params), params, requestContext(request));
    noStore(reply);
    return reply.code(200).send();
  });

  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    noStore(reply);
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (match?.[1] === undefined) {
      reply.header('www-authenticate', 'Bearer authorization_uri="", realm=""');
      return reply.code(401).send({ error: 'invalid_request', error_description: 'The access token is missing.' });
    }
    try {
      return await deps.tokens.userinfo(server, match[1]);
    } catch (error) {
      const out = toOAuthWireError(error, { bearer: true });
      if (out.status >= 500) throw error;
      return reply.code(out.status).headers(out.headers).send(out.body);
    }
  };
  app.get(`${base}/userinfo`, { schema: { hide: true } }, userinfo);
  app.post(`${base}/userinfo`, { schema: { hide: true } }, userinfo);

  app.get(`${base}/logout`, { schema: { hide: true } }, async (request, reply) => {
    noStore(reply);
    const params = queryParams(request);
    const showError = (description: string) =>
      reply.code(400).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(errorPage('invalid_request', description));
    const hint = params.id_token_hint;
    let redirect: string | null = null;
    if (hint === undefined) return showError("The 'id_token_hint' parameter is required.");
    let clientId: string;
    try {
      const payload = await deps.minter.verifyIdTokenHint(server, hint);
      const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
      if (typeof aud !== 'string') return showError("The 'id_token_hint' is invalid.");
      clientId = aud;
    } catch {
      return showError("The 'id_token_hint' is invalid.");
    }
    const client = await deps.clients.find(clientId);
    if (client === null) return showError("The 'id_token_hint' is invalid.");
    if (params.post_logout_redirect_uri !== undefined) {
      if (!client.postLogoutRedirectUris.includes(params.post_logout_redirect_uri)) {
        return showError("The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings.");
      }
      redirect = params.post_logout_redirect_uri;
    }
    const sid = cookie(request, SID_COOKIE);
    if (sid !== null) {
      await deps.sessions.end(sid).catch(() => undefined);
      setCookie(reply, SID_COOKIE, '', { secure, maxAge: 0 });
    }
    deps.logger.info({ event: 'oidc.logout', clientId }, 'end-session');
    if (redirect === null) {
      return reply.code(200).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send('<!doctype html><title>Signed out</title><p>You are signed out.</p>');
    }
    const target = new URL(redirect);
    if (params.state !== undefined) target.searchParams.set('state', params.state);
    return reply.header('referrer-policy', 'no-referrer').redirect(target.toString(), 302);
  });
};
