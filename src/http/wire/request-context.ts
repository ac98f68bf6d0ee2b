import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../../core/audit/audit-event.js';

/** Where a request came from, for the System Log: client IP, User-Agent and our request id. */
export function requestContext(request: FastifyRequest): RequestContext {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua : null, requestId: request.id };
}
