import type { Clock } from '../../core/clock.js';
import { AuthError, type UpstreamErrorBody } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';

export interface OktaClientOptions {
  /** The org's base URL, e.g. https://example.okta.com (no trailing slash). */
  orgUrl: string;
  /** An API token (sent as `Authorization: SSWS …`). */
  apiToken: string;
  /** Per request, headers and body included. */
  timeoutMs: number;
  clock: Clock;
  logger: Logger;
  /** A 429 is retried once when the org's X-Rate-Limit-Reset is at most this far away (default 2000 ms). */
  maxRetryWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
}

export interface OktaRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** Send the API token (default true); /api/v1/authn and POST /api/v1/sessions go without. */
  auth?: boolean;
}

export interface OktaResponse {
  status: number;
  /** Parsed JSON; undefined for an empty body (204). */
  body: unknown;
}

const RATE_HEADERS = ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset'];
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A small typed client for the parts of Okta's REST API the seed API needs (Users, Factors,
 * Authn, Sessions), over fetch. Every request ends within `timeoutMs` (AbortSignal.timeout).
 * Failures become AuthErrors: the org's own errors `upstream_error` with its Okta error body,
 * 5xx answers, timeouts and network failures `upstream_unavailable`. A 429 is retried once when
 * X-Rate-Limit-Reset says the wait is short, as @okta/okta-sdk-nodejs does.
 */
export class OktaClient {
  private readonly maxRetryWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: OktaClientOptions) {
    this.maxRetryWaitMs = o.maxRetryWaitMs ?? 2000;
    this.sleep = o.sleep ?? defaultSleep;
  }

  async request(req: OktaRequest): Promise<OktaResponse> {
    let response = await this.send(req);
    if (response.status === 429) {
      const wait = this.rateLimitWaitMs(response.headers);
      if (wait !== null && wait <= this.maxRetryWaitMs) {
        this.o.logger.warn({ event: 'okta.rate_limited', path: pathOnly(req.path), waitMs: wait }, 'Okta rate limit: retrying once');
        await this.sleep(wait);
        response = await this.send(req);
      }
    }
    return this.interpret(req, response);
  }

  private async send(req: OktaRequest): Promise<{ status: number; headers: Headers; text: string }> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.o.userAgent ?? 'latchkey-okta-mode' };
    if (req.auth !== false) headers.authorization = `SSWS ${this.o.apiToken}`;
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    const url = this.o.orgUrl + req.path;
    try {
      const response = await fetch(url, {
        method: req.method,
        headers,
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      // The body is read under the same signal: a stalled body ends at the timeout too.
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      const timeout = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      this.o.logger.warn({ event: 'okta.unavailable', path: pathOnly(req.path), timeout, err: error }, 'Okta request failed');
      throw new AuthError('upstream_unavailable', timeout ? 'Okta did not answer in time' : 'Okta could not be reached', {
        upstream: { status: timeout ? 504 : 502, kind: timeout ? 'timeout' : 'network' },
        cause: error,
      });
    }
  }

  /** Milliseconds until X-Rate-Limit-Reset by the org's Date (NSDK: reset − date + 1 s); null when a header is missing. */
  private rateLimitWaitMs(headers: Headers): number | null {
    const reset = Number(headers.get('x-rate-limit-reset'));
    const date = headers.get('date');
    if (!Number.isFinite(reset) || reset <= 0 || date === null) return null;
    const now = Date.parse(date);
    if (Number.isNaN(now)) return null;
    return Math.max(0, reset * 1000 - now + 1000);
  }

  private interpret(req: OktaRequest, response: { status: number; headers: Headers; text: string }): OktaResponse {
    let body: unknown;
    try {
      body = response.text === '' ? undefined : (JSON.parse(response.text) as unknown);
    } catch {
      body = undefined;
    }
    if (response.status >= 200 && response.status < 300) {
      if (response.text !== '' && body === undefined) throw unexpected(req, response.status, 'a body that is not JSON');
      return { status: response.status, body };
    }
    const errorBody = asOktaError(body);
    if (response.status >= 500 || errorBody === null) {
      this.o.logger.warn(
        { event: 'okta.server_error', path: pathOnly(req.path), status: response.status, errorId: errorBody?.errorId },
        'Okta answered with an error it did not explain',
      );
      throw new AuthError('upstream_unavailable', `Okta answered ${response.status}`, {
        upstream: { status: 502, kind: 'server_error', ...(errorBody !== null ? { body: errorBody } : {}) },
      });
    }
    const passed: Record<string, string> = {};
    for (const name of RATE_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) passed[name] = value;
    }
    let retryAfterSeconds: number | undefined;
    if (response.status === 429) {
      const header = Number(response.headers.get('retry-after'));
      const wait = this.rateLimitWaitMs(response.headers);
      const fromReset = Number(passed['x-rate-limit-reset']) * 1000 - this.o.clock.now().getTime();
      retryAfterSeconds = Number.isFinite(header) && header > 0
        ? header
        : Math.max(1, Math.ceil((wait ?? (Number.isFinite(fromReset) ? fromReset : 1000)) / 1000));
    }
    throw new AuthError('upstream_error', errorBody.errorSummary, {
      upstream: { status: response.status, kind: 'okta_error', body: errorBody, headers: passed },
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    });
  }
}

function asOktaError(body: unknown): UpstreamErrorBody | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.errorCode !== 'string' || typeof b.errorSummary !== 'string') return null;
  const causes = Array.isArray(b.errorCauses)
    ? b.errorCauses
        .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
        .map((c) => ({ ...c, errorSummary: typeof c.errorSummary === 'string' ? c.errorSummary : '' }))
    : [];
  return {
    errorCode: b.errorCode,
    errorSummary: b.errorSummary,
    ...(typeof b.errorLink === 'string' ? { errorLink: b.errorLink } : {}),
    ...(typeof b.errorId === 'string' ? { errorId: b.errorId } : {}),
    errorCauses: causes,
  };
}

/** The path without its query string, for logs (ids in paths are not secrets; session ids are). */
function pathOnly(path: string): string {
  return path.replace(/\?.*$/, '').replace(/\/sessions\/[^/]+/, '/sessions/{id}');
}

export function unexpected(req: OktaRequest, status: number, what: string): AuthError {
  return new AuthError('upstream_unavailable', `Okta answered ${req.method} ${pathOnly(req.path)} (${status}) with ${what}`, {
    upstream: { status: 502, kind: 'server_error' },
  });
}
