import type { GrantCode } from './grant.js';

export interface GrantStore {
  createGrant(grant: GrantCode): Promise<void>;
  /**
   * Atomically takes the grant: returns it to exactly one caller if it exists, is unused and
   * `now` is before its expiry; afterwards it can never be taken again.
   */
  consumeGrant(codeHash: string, now: Date): Promise<GrantCode | null>;
  /** Housekeeping. */
  deleteExpiredGrants(now: Date): Promise<number>;
}
