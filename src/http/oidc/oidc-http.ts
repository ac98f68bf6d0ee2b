import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PresentedClient } from '../../core/oidc/client-service.js';
import { OAuthError } from '../../core/oidc/oauth-error.js';
import { toOAuthWireError } from './oauth-error-serializer.js';
import { escapeHtml } from '../../core/html.js';

export { escapeHtml };

export type Params = Record<string, string | undefined>;

/**
 * application/x-www-form-urlencoded bodies as a flat map. A parameter sent twice is refused
 * (RFC 6749 §3.1: "parameters MUST NOT be included more than once").
 */
export function addFormParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const out: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))) {
      if (key in out) {
        done(new OAuthError('invalid_request', `The '${key}' parameter was included more than once.`), undefined);
        return;
      }
      out[key] = value;
    }
    done(null, out);
  });
}

/** The OAuth error handler every OIDC plugin installs; `bearer` routes add WWW-Authenticate. */
export function addOAuthErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(async (error, request, reply) => {
    const out = toOAuthWireError(error);
    if (out.status >= 500) request.log.error({ err: error }, 'request failed');
    reply.headers({ ...out.headers, 'cache-control': 'no-store', pragma: 'no-cache' });
    return reply.code(out.status).type('application/json').send(out.body);
  });
}

/** Query parameters as a flat map; a repeated parameter is refused. */
export function queryParams(request: FastifyRequest): Params {
  const out: Params = {};
  const raw = request.raw.url ?? '';
  const q = raw.indexOf('?');
  if (q < 0) return out;
  for (const [key, value] of new URLSearchParams(raw.slice(q + 1))) {
    if (key in out) throw new OAuthError('invalid_request', `The '${key}' parameter was included more than once.`);
    out[key] = value;
  }
  return out;
}

export function bodyParams(request: FastifyRequest): Params {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new OAuthError('invalid_request', 'The request body must be form-encoded.');
  const out: Params = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * How the client authenticated (RFC 6749 §2.3.1): HTTP Basic (client_secret_basic), or
 * client_id + client_secret in the body (client_secret_post), or client_id alone (none).
 * AJS public clients send `Basic base64(client_id)` without a colon: that is the id alone.
 * Both a header and body credentials at once is invalid_request.
 */
export function presentedClient(request: FastifyRequest, params: Params): PresentedClient | null {
  const header = request.headers.authorization;
  const bodyId = params.client_id;
  const bodySecret = params.client_secret;
  if (typeof header === 'string' && /^basic\s+/i.test(header)) {
    if (bodySecret !== undefined) throw new OAuthError('invalid_request', 'Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.');
    const decoded = Buffer.from(header.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const id = safeDecode(colon < 0 ? decoded : decoded.slice(0, colon));
    const secret = colon < 0 ? null : safeDecode(decoded.slice(colon + 1));
    if (bodyId !== undefined && bodyId !== id) throw new OAuthError('invalid_client', 'Client authentication failed.');
    return { clientId: id, secret: secret === '' ? null : secret, method: 'client_secret_basic' };
  }
  if (bodyId === undefined) return null;
  if (bodySecret !== undefined) return { clientId: bodyId, secret: bodySecret, method: 'client_secret_post' };
  return { clientId: bodyId, secret: null, method: 'none' };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** A cookie's value from the Cookie header, or null. */
export function cookie(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function setCookie(reply: FastifyReply, name: string, value: string, options: { secure: boolean; maxAge?: number; sameSite?: 'Lax' | 'Strict' | 'None'; path?: string }): void {
  const sameSite = options.sameSite ?? 'Lax';
  const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`, 'HttpOnly', `SameSite=${sameSite}`];
  if (options.secure) parts.push('Secure');
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  const existing = reply.getHeader('set-cookie');
  const list = Array.isArray(existing) ? existing.map(String) : typeof existing === 'string' ? [existing] : [];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}


/** JSON safe to embed in a <script type="application/json"> element. */
export const jsonForHtml = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

/** Strict CSP for pages without script. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
