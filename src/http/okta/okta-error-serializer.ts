import type { FastifyError } from 'fastify';
import { isAuthError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import { isOktaMapped, newErrorId, toOktaError, type OktaErrorBody } from '../wire/okta-errors.js';
import type { AjvLikeError } from '../wire/ajv-error.js';
import { rateLimitErrorHeaders } from '../wire/rate-limit-headers.js';

export interface OktaWireError {
  status: number;
  body: OktaErrorBody;
  headers: Record<string, string>;
}


const plain = (status: number, errorCode: string, errorSummary: string, random: Random, causes: string[] = []): OktaWireError => ({
  status,
  headers: {},
  body: { errorCode, errorSummary, errorLink: errorCode, errorId: newErrorId(random), errorCauses: causes.map((c) => ({ errorSummary: c })) },
});

function fieldOf(e: AjvLikeError): string {
  const path = (e.instancePath ?? '').split('/').filter(Boolean);
  if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') path.push(e.params.missingProperty);
  return path.join('.') || 'body';
}

/**
 * Okta's wire format for /api/v1 (errorCode, errorSummary, errorLink, errorId, errorCauses),
 * decided in this one place. Codes and texts: ../shared/reference/okta-api.md §6.
 */
export function toOktaWireError(error: unknown, random: Random): OktaWireError {
  if (isAuthError(error)) {
    const code = error.code;
    if (code === 'validation_failed') {
      return plain(400, 'E0000001', `Api validation failed: ${error.message}`, random, error.causes.map((c) => c.summary));
    }
    if (!isOktaMapped(code)) return plain(500, 'E0000009', 'Internal Server Error', random);
    const { status, body } = toOktaError(error, code, random);
    return { status, body, headers: rateLimitErrorHeaders(error) };
  }
  const fe = error as Partial<FastifyError> & { validation?: AjvLikeError[] };
  if (Array.isArray(fe.validation)) {
    const fields = [...new Set(fe.validation.map(fieldOf))];
    const causes = fe.validation.map((e) => `${fieldOf(e)}: ${e.keyword === 'required' ? 'The field cannot be left blank' : (e.message ?? 'is invalid')}`);
    return plain(400, 'E0000001', `Api validation failed: ${fields.join(', ')}`, random, causes);
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 415 || status === 406) {
    return plain(400, 'E0000021', 'Bad request.  Accept and/or Content-Type headers likely do not match supported values.', random);
  }
  if (status === 413) return plain(413, 'E0000003', 'The request body was too large.', random);
  if (status >= 400 && status < 500) return plain(400, 'E0000003', 'The request body was not well-formed.', random);
  return plain(500, 'E0000009', 'Internal Server Error', random);
}
