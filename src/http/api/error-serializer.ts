import type { FastifyError } from 'fastify';
import { isAuthError, type AuthError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import { fromUpstreamOktaError, isOktaMapped, toOktaError, type OktaErrorBody } from '../wire/okta-errors.js';
import type { AjvLikeError } from '../wire/ajv-error.js';
import { rateLimitErrorHeaders } from '../wire/rate-limit-headers.js';

/** One entry of Joi's `error.details`, the shape clients of the original read. */
export interface JoiDetail {
  message: string;
  path: (string | number)[];
  type: string;
  context: Record<string, unknown>;
}

export interface WireError {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}


function pathOf(instancePath: string | undefined): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Ajv's validation errors in Joi's words: `"email" is required`, type `any.required`, … */
export function joiDetails(errors: AjvLikeError[], root: string): JoiDetail[] {
  return errors.map((e) => {
    const path = pathOf(e.instancePath);
    if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') {
      path.push(e.params.missingProperty);
    }
    const key = path.length > 0 ? path[path.length - 1] : undefined;
    const label = path.length > 0 ? path.join('.') : root;
    const context: Record<string, unknown> = { label, key };
    const q = `"${label}"`;
    switch (e.keyword) {
      case 'required':
        return { message: `${q} is required`, path, type: 'any.required', context };
      case 'type': {
        const expected = String(e.params.type);
        const type = expected === 'object' ? 'object.base' : expected === 'string' ? 'string.base' : `${expected}.base`;
        return { message: `${q} must be ${expected === 'object' ? 'of type object' : `a ${expected}`}`, path, type, context };
      }
      case 'minLength': {
        const limit = Number(e.params.limit);
        if (limit === 1) return { message: `${q} is not allowed to be empty`, path, type: 'string.empty', context };
        return { message: `${q} length must be at least ${limit} characters long`, path, type: 'string.min', context: { ...context, limit } };
      }
      case 'maxLength': {
        const limit = Number(e.params.limit);
        return {
          message: `${q} length must be less than or equal to ${limit} characters long`,
          path,
          type: 'string.max',
          context: { ...context, limit },
        };
      }
      case 'format':
        if (e.params.format === 'email') return { message: `${q} must be a valid email`, path, type: 'string.email', context };
        return { message: `${q} must be a valid ${String(e.params.format)}`, path, type: 'string.format', context };
      case 'pattern':
        return { message: `${q} fails to match the required pattern`, path, type: 'string.pattern.base', context };
      case 'anyOf':
        return { message: `${q} does not match any of the allowed types`, path, type: 'alternatives.match', context };
      default:
        return { message: `${q} ${e.message ?? 'is invalid'}`, path, type: `any.${e.keyword}`, context };
    }
  });
}

const MEDIA_TYPE_DETAIL: JoiDetail = {
  message: 'Content-Type must be application/json',
  path: [],
  type: 'any.contentType',
  context: { label: 'value' },
};

/**
 * The seed API's wire format, decided in this one place:
 * VALIDATION_ERROR (+details), OKTA_ERROR (+Okta error fields, as the original spread OktaApiError),
 * SERVER_ERROR (no internals, a request id).
 */
export function toSeedError(error: unknown, requestId: string, random: Random): WireError {
  if (isAuthError(error)) return fromAuthError(error, requestId, random);

  const fe = error as Partial<FastifyError> & { validation?: AjvLikeError[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const root = fe.validationContext === 'querystring' ? 'query' : (fe.validationContext ?? 'value');
    return { status: 400, headers: {}, body: { error: 'VALIDATION_ERROR', details: joiDetails(fe.validation, root) } };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const detail = clientErrorDetail(fe, status);
    return { status, headers: {}, body: { error: 'VALIDATION_ERROR', details: [detail] } };
  }
  return serverError(500, requestId, 'An unexpected error occurred');
}

function clientErrorDetail(fe: Partial<FastifyError>, status: number): JoiDetail {
  if (status === 415) return MEDIA_TYPE_DETAIL;
  if (status === 413) {
    return { message: 'Request body is too large', path: [], type: 'any.tooLarge', context: { label: 'value' } };
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe instanceof SyntaxError) {
    return { message: 'Request body is not valid JSON', path: [], type: 'object.base', context: { label: 'value' } };
  }
  return { message: 'Request could not be processed', path: [], type: 'any.invalid', context: { label: 'value' } };
}

function serverError(status: number, requestId: string, message: string, headers: Record<string, string> = {}): WireError {
  return { status, headers, body: { error: 'SERVER_ERROR', message, requestId } };
}

function fromAuthError(error: AuthError, requestId: string, random: Random): WireError {
  const headers: Record<string, string> = {};
  if (error.code === 'validation_failed') {
    return {
      status: 400,
      headers,
      body: {
        error: 'VALIDATION_ERROR',
        details: error.causes.map((c) => ({
          message: c.summary,
          path: c.location ? c.location.split('.') : [],
          type: c.reason ?? 'any.invalid',
          context: { label: c.location ?? 'value' },
        })),
      },
    };
  }
  if (error.code === 'mail_delivery_failed') {
    return serverError(503, requestId, 'The email could not be delivered; please try again', { 'retry-after': '5' });
  }
  if (error.code === 'upstream_unavailable') {
    const upstream = error.upstream;
    const status = upstream?.status ?? 502;
    const message =
      upstream?.kind === 'timeout'
        ? 'The identity provider did not answer in time; please try again'
        : upstream?.kind === 'server_error'
          ? 'The identity provider failed; please try again'
          : 'The identity provider could not be reached; please try again';
    return serverError(status, requestId, message, status === 503 ? { 'retry-after': '5' } : {});
  }
  if (error.code === 'upstream_error' && error.upstream?.body !== undefined) {
    const { status, body } = fromUpstreamOktaError(error.upstream.status, error.upstream.body, random);
    for (const [name, value] of Object.entries(error.upstream.headers ?? {})) headers[name] = value;
    if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
    return oktaErrorBody(status, headers, body);
  }
  const code = error.code;
  if (!isOktaMapped(code)) return serverError(500, requestId, 'An unexpected error occurred');

  const { status, body } = toOktaError(error, code, random);
  Object.assign(headers, rateLimitErrorHeaders(error));
  return oktaErrorBody(status, headers, body);
}

/** OKTA_ERROR: the fields of Okta's SDK error (OktaApiError), as the original spread it. */
function oktaErrorBody(status: number, headers: Record<string, string>, body: OktaErrorBody): WireError {
  const causeText = body.errorCauses.map((c) => c.errorSummary).join(', ');
  return {
    status,
    headers,
    body: {
      error: 'OKTA_ERROR',
      name: 'OktaApiError',
      status,
      ...body,
      message: `Okta HTTP ${status} ${body.errorCode} ${body.errorSummary.replace(/\.$/, '')}. ${causeText}`.trim(),
    },
  };
}
