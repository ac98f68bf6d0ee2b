import type { Kysely, Selectable } from 'kysely';
import type { MailboxStore, StoredMail } from '../../core/mail/mailbox-store.js';
import { fromMillis, toMillis } from './codec.js';
import { translatingErrors } from './errors.js';
import type { DatabaseSchema, MailboxTable } from './schema.js';

type MailRow = Omit<Selectable<MailboxTable>, 'seq'>;
const COLUMNS = ['id', 'to_address', 'to_lower', 'subject', 'text', 'html', 'kind', 'created_at'] as const;

export function createSqlMailboxStore(db: Kysely<DatabaseSchema>): MailboxStore {
  return {
    addMail: (mail) =>
      translatingErrors(async () => {
        await db.insertInto('mailbox').values(mailRow(mail)).execute();
      }),

    // Newest first; seq (insertion order) breaks ties between mails of the same millisecond.
    async listMail({ limit, to }) {
      const count = Math.floor(limit);
      if (!(count > 0)) return [];
      let query = db
        .selectFrom('mailbox')
        .select(COLUMNS)
        .orderBy('created_at', 'desc')
        .orderBy('seq', 'desc')
        .limit(count);
      if (to !== undefined) query = query.where('to_lower', '=', to.toLowerCase());
      return (await query.execute()).map(mailFromRow);
    },

    async findMail(id) {
      const row = await db
        .selectFrom('mailbox')
        .select(COLUMNS)
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? null : mailFromRow(row);
    },
  };
}

function mailRow(mail: StoredMail): MailRow {
  return {
    id: mail.id,
    to_address: mail.to,
    to_lower: mail.to.toLowerCase(),
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    kind: mail.kind,
    created_at: toMillis(mail.createdAt),
  };
}

function mailFromRow(row: MailRow): StoredMail {
  return {
    id: row.id,
    to: row.to_address,
    subject: row.subject,
    text: row.text,
    html: row.html,
    kind: row.kind,
    createdAt: fromMillis(row.created_at),
  };
}
