import type { User } from '../identity/user.js';
import type { AuditActor, AuditEvent, AuditOutcome, AuditTarget, NewAuditEvent, RequestContext } from './audit-event.js';
import type { EventLog } from './event-log.js';

/**
 * System Log event builders shared by the sign-in flows, with Okta's event types:
 * user.session.start (primary authentication, SUCCESS or FAILURE with a reason), user.account.lock,
 * system.email.mfa_challenge.sent_message, user.authentication.auth_via_mfa, user.session.end,
 * user.lifecycle.create, user.mfa.factor.activate, app.oauth2.as.token.grant.
 */
export const userActor = (user: User): AuditActor => ({
  id: user.id,
  type: 'User',
  alternateId: user.profile.login,
  displayName: `${user.profile.firstName} ${user.profile.lastName}`.trim(),
});

/** Okta logs failed sign-ins of unknown users with the submitted name and the id "unknown". */
export const unknownActor = (login: string): AuditActor => ({ id: 'unknown', type: 'User', alternateId: login, displayName: 'Unknown' });

export const userTarget = (user: User): AuditTarget => ({ ...userActor(user), type: 'User' });

export function authEvent(
  eventType: string,
  displayMessage: string,
  actor: AuditActor,
  outcome: AuditOutcome,
  options: { reason?: string; target?: AuditTarget[]; severity?: AuditEvent['severity'] } = {},
): NewAuditEvent {
  return {
    eventType,
    displayMessage,
    severity: options.severity ?? (outcome === 'FAILURE' ? 'WARN' : 'INFO'),
    outcome: { result: outcome, reason: options.reason ?? null },
    actor,
    target: options.target ?? [],
  };
}

/** Records when a log is wired; flows built without one (unit tests) record nothing. */
export async function recordEvent(events: EventLog | undefined, event: NewAuditEvent, context: RequestContext | undefined): Promise<void> {
  if (events !== undefined) await events.record(event, context ?? null);
}
