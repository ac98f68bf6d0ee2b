import type { MailMessage } from './mail-message.js';

export interface StoredMail extends MailMessage {
  id: string;
  createdAt: Date;
}

/** The dev mailbox: mail kept in the database instead of sent (embedded, non-production). */
export interface MailboxStore {
  addMail(mail: StoredMail): Promise<void>;
  /** Newest first. `to` filters by recipient (case-insensitive). */
  listMail(options: { limit: number; to?: string }): Promise<StoredMail[]>;
  findMail(id: string): Promise<StoredMail | null>;
}
