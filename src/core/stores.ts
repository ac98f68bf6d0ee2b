import type { ApiTokenStore } from './apitokens/api-token-store.js';
import type { EventStore } from './audit/event-log.js';
import type { FactorStore } from './factors/factor-store.js';
import type { AuthnTransactionStore } from './flows/authn/authn-store.js';
import type { PushTransactionStore } from './factors/push-transaction.js';
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
  /** Push factor transactions (WAITING → SUCCESS | REJECTED | CANCELLED). */
  pushTransactions: PushTransactionStore;
  apiTokens: ApiTokenStore;
  /** The System Log. */
  events: EventStore;
  /** Okta authn transactions (stateTokens, sessionTokens). */
  authn: AuthnTransactionStore;
}
