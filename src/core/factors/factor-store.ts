import type { Factor } from './factor.js';

export interface FactorStore {
  createFactor(factor: Factor): Promise<Factor>;
  findFactor(factorId: string): Promise<Factor | null>;
  listFactors(userId: string): Promise<Factor[]>;
  /**
   * PENDING_ACTIVATION → ACTIVE, only if it is pending now. Returns false when the
   * factor was not pending (already active, deleted): concurrent activations succeed once.
   */
  activateFactor(factorId: string, now: Date): Promise<boolean>;
  deleteFactor(factorId: string): Promise<boolean>;
}
