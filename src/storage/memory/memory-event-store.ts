import type { AuditEvent } from '../../core/audit/audit-event.js';
import type { EventQuery, EventStore } from '../../core/audit/event-log.js';
import { ConflictError } from '../../core/errors.js';

/** Reference System Log store: the same semantics as the SQL one (one contract suite runs on both). */
export class MemoryEventStore implements EventStore {
  /** In publication (insertion) order. */
  private readonly events: AuditEvent[] = [];

  async appendEvent(event: AuditEvent): Promise<void> {
    if (this.events.some((e) => e.uuid === event.uuid)) throw new ConflictError('event');
    this.events.push(structuredClone(event));
  }

  async queryEvents(q: EventQuery): Promise<AuditEvent[]> {
    const count = Math.floor(q.limit);
    if (!(count > 0)) return [];
    let list = q.order === 'DESCENDING' ? [...this.events].reverse() : this.events;
    if (q.after !== undefined) {
      const index = list.findIndex((e) => e.uuid === q.after);
      // An unknown cursor pages nowhere rather than starting over.
      if (index < 0) return [];
      list = list.slice(index + 1);
    }
    return list
      .filter(
        (e) =>
          (q.since === undefined || e.published >= q.since) &&
          (q.until === undefined || e.published < q.until) &&
          (q.eventType === undefined || e.eventType === q.eventType) &&
          (q.actorId === undefined || e.actor.id === q.actorId) &&
          (q.outcome === undefined || e.outcome.result === q.outcome),
      )
      .slice(0, count)
      .map((e) => structuredClone(e));
  }
}
