import type { Kysely, Selectable } from 'kysely';
import type { AuditActor, AuditEvent, AuditOutcome, AuditTarget } from '../../core/audit/audit-event.js';
import type { EventStore } from '../../core/audit/event-log.js';
import { fromMillis, toMillis } from './codec.js';
import { translatingErrors } from './errors.js';
import type { DatabaseSchema, EventsTable } from './schema.js';

type EventRow = Omit<Selectable<EventsTable>, 'seq'>;
const COLUMNS = [
  'uuid', 'published', 'event_type', 'severity', 'display_message', 'outcome_result', 'outcome_reason',
  'actor_id', 'actor', 'client', 'target', 'transaction_id',
] as const;

/** The System Log on SQL: append-only, read in publication (insertion) order, paged by event uuid. */
export function createSqlEventStore(db: Kysely<DatabaseSchema>): EventStore {
  return {
    appendEvent: (event) =>
      translatingErrors(async () => {
        await db.insertInto('events').values(eventRow(event)).execute();
      }),

    async queryEvents(q) {
      const count = Math.floor(q.limit);
      if (!(count > 0)) return [];
      const ascending = q.order === 'ASCENDING';
      let query = db.selectFrom('events').select(COLUMNS);
      if (q.after !== undefined) {
        const cursor = await db.selectFrom('events').select('seq').where('uuid', '=', q.after).executeTakeFirst();
        // An unknown cursor pages nowhere rather than starting over.
        if (cursor === undefined) return [];
        query = query.where('seq', ascending ? '>' : '<', cursor.seq);
      }
      if (q.since !== undefined) query = query.where('published', '>=', toMillis(q.since));
      if (q.until !== undefined) query = query.where('published', '<', toMillis(q.until));
      if (q.eventType !== undefined) query = query.where('event_type', '=', q.eventType);
      if (q.actorId !== undefined) query = query.where('actor_id', '=', q.actorId);
      if (q.outcome !== undefined) query = query.where('outcome_result', '=', q.outcome);
      const rows = await query.orderBy('seq', ascending ? 'asc' : 'desc').limit(count).execute();
      return rows.map(eventFromRow);
    },
  };
}

function eventRow(event: AuditEvent): EventRow {
  return {
    uuid: event.uuid,
    published: toMillis(event.published),
    event_type: event.eventType,
    severity: event.severity,
    display_message: event.displayMessage,
    outcome_result: event.outcome.result,
    outcome_reason: event.outcome.reason,
    actor_id: event.actor.id,
    actor: JSON.stringify(event.actor),
    client: JSON.stringify(event.client),
    target: JSON.stringify(event.target),
    transaction_id: event.transactionId,
  };
}

function eventFromRow(row: EventRow): AuditEvent {
  return {
    uuid: row.uuid,
    published: fromMillis(row.published),
    eventType: row.event_type,
    severity: row.severity as AuditEvent['severity'],
    displayMessage: row.display_message,
    outcome: { result: row.outcome_result as AuditOutcome, reason: row.outcome_reason },
    actor: JSON.parse(row.actor) as AuditActor,
    client: JSON.parse(row.client) as AuditEvent['client'],
    target: JSON.parse(row.target) as AuditTarget[],
    transactionId: row.transaction_id,
  };
}
