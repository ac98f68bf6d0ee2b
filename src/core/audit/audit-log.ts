import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { randomToken, type Random } from '../random.js';
import type { NewAuditEvent, RequestContext } from './audit-event.js';
import type { EventLog, EventStore } from './event-log.js';

/** Stamps events with an id and time and appends them; a failing store is logged, never thrown into the flow. */
export class AuditLog implements EventLog {
  constructor(private readonly o: { store: EventStore; clock: Clock; random: Random; logger: Logger }) {}

  async record(event: NewAuditEvent, context: RequestContext | null): Promise<void> {
    const full = {
      ...event,
      uuid: randomToken(this.o.random, 16),
      published: this.o.clock.now(),
      client: { ipAddress: context?.ip ?? null, userAgent: context?.userAgent ?? null },
      transactionId: context?.requestId ?? null,
    };
    try {
      await this.o.store.appendEvent(full);
    } catch (error) {
      this.o.logger.error({ err: error, eventType: event.eventType }, 'system log event not recorded');
    }
  }
}
