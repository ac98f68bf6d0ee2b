import { ConflictError } from '../../core/errors.js';
import type { MailboxStore } from '../../core/mail/mailbox-store.js';
import { copy, type MemoryState } from './memory-state.js';

export function createMemoryMailboxStore(state: MemoryState): MailboxStore {
  return {
    async addMail(mail) {
      if (state.mails.some((m) => m.id === mail.id)) throw new ConflictError('mail_id');
      state.mails.push(copy(mail));
    },

    // Newest first; among mails of the same millisecond the later insert comes first, as in SQL.
    async listMail({ limit, to }) {
      const count = Math.floor(limit);
      if (!(count > 0)) return [];
      const recipient = to?.toLowerCase();
      return state.mails
        .filter((m) => recipient === undefined || m.to.toLowerCase() === recipient)
        .reverse()
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .slice(0, count)
        .map(copy);
    },

    async findMail(id) {
      const mail = state.mails.find((m) => m.id === id);
      return mail === undefined ? null : copy(mail);
    },
  };
}
