import type { AuditEvent } from '../../core/audit/audit-event.js';
import type { EventQuery, EventStore } from '../../core/audit/event-log.js';

/** Reference System Log store (tests, and until a SQL one is wired). */
export class MemoryEventStore implements EventStore {
  private readonly events: AuditEvent[] = [];

  async appendEvent(event: AuditEvent): Promise<void> {
    this.events.push(structuredClone(event));
  }

  async queryEvents(q: EventQuery): Promise<AuditEvent[]> {
    let list = this.events.filter(
      (e) =>
        (q.since === undefined || e.published >= q.since) &&
        (q.until === undefined || e.published < q.until) &&
        (q.eventType === undefined || e.eventType === q.eventType) &&
        (q.actorId === undefined || e.actor.id === q.actorId) &&
        (q.outcome === undefined || e.outcome.result === q.outcome),
    );
    if (q.order === 'DESCENDING') list = [...list].reverse();
    if (q.after !== undefined) {
      const index = list.findIndex((e) => e.uuid === q.after);
      if (index >= 0) list = list.slice(index + 1);
    }
    return list.slice(0, q.limit).map((e) => structuredClone(e));
  }
}
