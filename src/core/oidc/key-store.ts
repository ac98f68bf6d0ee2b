import type { SigningKey } from './signing-key.js';

export interface KeyStore {
  /** Throws ConflictError('signing_key') when the kid exists. */
  addKey(key: SigningKey): Promise<void>;
  /** Every stored key, oldest first (ties by kid). */
  listKeys(): Promise<SigningKey[]>;
  /**
   * Retires every active key except `kid`: retiredAt = now, removeAt as given. Atomic per key;
   * keys already retired keep their dates. Returns how many were retired.
   */
  retireKeysExcept(kid: string, now: Date, removeAt: Date): Promise<number>;
  /** Deletes retired keys whose removeAt is at or before `now`. */
  deleteRemovedKeys(now: Date): Promise<number>;
}
