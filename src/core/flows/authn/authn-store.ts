import type { AuthnFlow } from './authn-flow.js';

/**
 * Persistence of authn transactions. Every verb is atomic on its own.
 */
export interface AuthnTransactionStore {
  /** Inserts a new flow. Throws ConflictError('authn_transaction') on a duplicate id or token hash. */
  createTransaction(flow: AuthnFlow): Promise<void>;
  /** The flow whose stateToken hashes to `stateTokenHash`, whatever its expiry; null when none. */
  findByStateToken(stateTokenHash: string): Promise<AuthnFlow | null>;
  /**
   * Replaces the stored flow with `flow` only if the stored one still has version `expectedVersion`
   * (compare-and-set). Of N concurrent updates from the same version exactly one returns true; the
   * others change nothing and return false.
   */
  updateTransaction(flow: AuthnFlow, expectedVersion: number): Promise<boolean>;
  /** Deletes the flow (cancel). True for the one caller that deleted it. */
  deleteTransaction(id: string): Promise<boolean>;
  /**
   * Takes the SUCCESS flow holding this sessionToken if its token has not expired at `now`, and
   * deletes it: exactly one of any number of concurrent callers gets the flow, the others null.
   * An expired token is deleted too and yields null.
   */
  consumeSessionToken(sessionTokenHash: string, now: Date): Promise<AuthnFlow | null>;
  /** Housekeeping: removes flows whose transaction (and sessionToken, if any) expired before `now`. */
  deleteExpiredTransactions(now: Date): Promise<number>;
}
