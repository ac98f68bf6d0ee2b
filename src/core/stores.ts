import type { FactorStore } from './factors/factor-store.js';
import type { IdentityStore } from './identity/identity-store.js';
import type { MailboxStore } from './mail/mailbox-store.js';
import type { OtpStore } from './otp/otp-store.js';
import type { SessionStore } from './session/session-store.js';
import type { GrantStore } from './sso/grant-store.js';

/** Every persistence port the engine needs; one backend (memory, SQLite, PostgreSQL) provides all. */
export interface Stores {
  identity: IdentityStore;
  factors: FactorStore;
  otps: OtpStore;
  sessions: SessionStore;
  grants: GrantStore;
  mailbox: MailboxStore;
}
