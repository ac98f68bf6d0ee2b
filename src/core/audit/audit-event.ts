/** One System Log entry, in Okta's LogEvent shape (subset): what happened, to whom, from where, and how it ended. */
export type AuditOutcome = 'SUCCESS' | 'FAILURE' | 'SKIPPED' | 'ALLOW' | 'DENY' | 'CHALLENGE' | 'UNKNOWN';

export interface AuditActor {
  id: string;
  type: 'User' | 'PublicClientApp' | 'SystemPrincipal';
  alternateId: string | null;
  displayName: string | null;
}

export interface AuditTarget {
  id: string;
  type: string;
  alternateId: string | null;
  displayName: string | null;
}

export interface AuditEvent {
  uuid: string;
  published: Date;
  /** Okta event types, e.g. user.session.start, user.authentication.auth_via_mfa, user.account.lock. */
  eventType: string;
  severity: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  displayMessage: string;
  outcome: { result: AuditOutcome; reason: string | null };
  actor: AuditActor;
  client: { ipAddress: string | null; userAgent: string | null };
  target: AuditTarget[];
  /** The request id, so a log line and an event can be matched. */
  transactionId: string | null;
}

/** Where the request came from; flows pass it through to the events they record. */
export interface RequestContext {
  ip: string;
  userAgent: string | null;
  requestId: string | null;
}

export type NewAuditEvent = Omit<AuditEvent, 'uuid' | 'published' | 'client' | 'transactionId'>;
