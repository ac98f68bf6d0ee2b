import { Type } from '@sinclair/typebox';
import type { AuditEvent } from '../../core/audit/audit-event.js';
import type { EventQuery } from '../../core/audit/event-log.js';
import { AuthError } from '../../core/errors.js';
import type { ApiApp } from '../api/api-app.js';
import type { OktaDeps } from './okta-deps.js';
import { orgRateLimit } from './org-rate-limit.js';
import { requireSsws } from './ssws-auth.js';
import { pageLinks, requestOrigin } from './users-routes.js';

const LogsQuery = Type.Object({
  since: Type.Optional(Type.String({ maxLength: 40 })),
  until: Type.Optional(Type.String({ maxLength: 40 })),
  filter: Type.Optional(Type.String({ maxLength: 1000 })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })),
  sortOrder: Type.Optional(Type.Union([Type.Literal('ASCENDING'), Type.Literal('DESCENDING')])),
  after: Type.Optional(Type.String({ maxLength: 100 })),
});

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
/** Okta's default window: the last 7 days. */
const DEFAULT_SINCE_MS = 7 * 86_400_000;

const invalid = (summary: string) => new AuthError('validation_failed', 'Invalid search criteria.', { causes: [{ summary }] });

function date(name: string, raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw invalid(`${name}: must be an ISO 8601 date`);
  return d;
}

const FILTER_TERM = /^\s*(eventType|actor\.id|outcome\.result)\s+eq\s+"([^"\\]*)"\s*$/;

/** The System Log filter subset: `eventType eq "…"`, `actor.id eq "…"`, `outcome.result eq "…"`, joined by `and`. */
export function parseLogFilter(filter: string): Pick<EventQuery, 'eventType' | 'actorId' | 'outcome'> {
  const out: Pick<EventQuery, 'eventType' | 'actorId' | 'outcome'> = {};
  for (const part of filter.split(/\s+and\s+/i)) {
    const match = FILTER_TERM.exec(part);
    if (match === null) throw invalid(`filter: unsupported expression "${part.trim()}"`);
    const [, field, value = ''] = match;
    if (field === 'eventType') out.eventType = value;
    else if (field === 'actor.id') out.actorId = value;
    else out.outcome = value;
  }
  return out;
}

/**
 * Okta's LogEvent (management.yaml LogEvent) from our stored subset. Okta itself writes nulls for
 * what it does not know, but the published schema (which NSDK deserialises against) declares none
 * of these members nullable, so unknown members are left out instead.
 */
export function toOktaLogEvent(event: AuditEvent): Record<string, unknown> {
  return withoutNulls({
    uuid: event.uuid,
    published: event.published.toISOString(),
    eventType: event.eventType,
    version: '0',
    severity: event.severity,
    legacyEventType: null,
    displayMessage: event.displayMessage,
    actor: { ...event.actor, detailEntry: null },
    client: {
      userAgent: event.client.userAgent === null ? null : { rawUserAgent: event.client.userAgent, os: 'Unknown', browser: 'UNKNOWN' },
      zone: 'null',
      device: 'Unknown',
      id: null,
      ipAddress: event.client.ipAddress,
      geographicalContext: null,
    },
    outcome: { result: event.outcome.result, reason: event.outcome.reason },
    target: event.target.map((t) => ({ ...t, detailEntry: null })),
    transaction: { type: 'WEB', id: event.transactionId, detail: {} },
    debugContext: { debugData: event.transactionId === null ? {} : { requestId: event.transactionId } },
    authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, externalSessionId: null, interface: null },
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    request: { ipChain: event.client.ipAddress === null ? [] : [{ ip: event.client.ipAddress, geographicalContext: null, version: event.client.ipAddress.includes(':') ? 'V6' : 'V4', source: null }] },
  }) as Record<string, unknown>;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) if (member !== null) out[key] = withoutNulls(member);
  return out;
}

/** GET /api/v1/logs: the System Log (okta-api.md, issue 3 §7), SSWS-protected. */
export function logsRoutes(app: ApiApp, deps: OktaDeps): void {
  app.get('/logs', {
    schema: { summary: 'System Log events: since, until, filter, limit, sortOrder, after (Link paging)', tags: ['okta'], querystring: LogsQuery },
    preHandler: [requireSsws(deps), orgRateLimit(deps, 'management', deps.orgRateLimits.management)],
    handler: async (request, reply) => {
      const q = request.query;
      const limit = q.limit === undefined ? DEFAULT_LIMIT : Math.min(Math.max(Number(q.limit), 1), MAX_LIMIT);
      const until = date('until', q.until);
      const since = date('since', q.since) ?? new Date(deps.clock.now().getTime() - DEFAULT_SINCE_MS);
      const order = q.sortOrder ?? 'ASCENDING';
      const events = await deps.eventStore.queryEvents({
        since,
        ...(until !== undefined ? { until } : {}),
        ...(q.after !== undefined ? { after: q.after } : {}),
        ...(q.filter !== undefined && q.filter.trim() !== '' ? parseLogFilter(q.filter) : {}),
        limit,
        order,
      });
      const next = events.length === limit ? (events[events.length - 1]?.uuid ?? null) : null;
      pageLinks(reply, requestOrigin(request), '/api/v1/logs', { since: q.since, until: q.until, filter: q.filter, limit: String(limit), sortOrder: q.sortOrder, after: q.after }, next);
      return events.map(toOktaLogEvent);
    },
  });
}
