import type { Stores } from '../../core/stores.js';
import type { SqlDatabase } from './database.js';
import { createSqlApiTokenStore } from './sql-api-token-store.js';
import { createSqlAuthnStore } from './sql-authn-store.js';
import { createSqlEventStore } from './sql-event-store.js';
import { createSqlFactorStore } from './sql-factor-store.js';
import { createSqlGrantStore } from './sql-grant-store.js';
import { createSqlIdentityStore } from './sql-identity-store.js';
import { createSqlMailboxStore } from './sql-mailbox-store.js';
import { createSqlOtpStore } from './sql-otp-store.js';
import { createSqlPushTransactionStore } from './sql-push-transaction-store.js';
import { createSqlSessionStore } from './sql-session-store.js';

/** Every port on one SQL database (SQLite or PostgreSQL); call database.migrate() first. */
export function createSqlStores(database: SqlDatabase): Stores {
  const { db, capabilities } = database;
  return {
    identity: createSqlIdentityStore(db, capabilities),
    factors: createSqlFactorStore(db),
    otps: createSqlOtpStore(db, capabilities),
    sessions: createSqlSessionStore(db),
    grants: createSqlGrantStore(db, capabilities),
    mailbox: createSqlMailboxStore(db),
    pushTransactions: createSqlPushTransactionStore(db),
    apiTokens: createSqlApiTokenStore(db),
    events: createSqlEventStore(db),
    authn: createSqlAuthnStore(db, capabilities),
  };
}
