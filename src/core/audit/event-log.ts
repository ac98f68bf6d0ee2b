import type { AuditEvent, NewAuditEvent, RequestContext } from './audit-event.js';

/** Port: records System Log events. Recording never throws into the flow that reports the event. */
export interface EventLog {
  record(event: NewAuditEvent, context: RequestContext | null): Promise<void>;
}

export interface EventQuery {
  since?: Date;
  until?: Date;
  /** Events strictly after this cursor (uuid of the last event seen), in publication order. */
  after?: string;
  eventType?: string;
  actorId?: string;
  outcome?: string;
  limit: number;
  order: 'ASCENDING' | 'DESCENDING';
}

/** Persistence for the System Log. */
export interface EventStore {
  appendEvent(event: AuditEvent): Promise<void>;
  queryEvents(query: EventQuery): Promise<AuditEvent[]>;
}
