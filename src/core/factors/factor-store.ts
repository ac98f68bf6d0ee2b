import type { Factor } from './factor.js';

export interface CreateFactorOptions {
  /** A secret the server must read back (TOTP shared secret), already sealed by SecretCipher. Never part of Factor. */
  sealedSecret?: string;
}

export interface FactorStore {
  createFactor(factor: Factor, options?: CreateFactorOptions): Promise<Factor>;
  findFactor(factorId: string): Promise<Factor | null>;
  listFactors(userId: string): Promise<Factor[]>;
  /**
   * PENDING_ACTIVATION → ACTIVE, only if it is pending now. Returns false when the
   * factor was not pending (already active, deleted): concurrent activations succeed once.
   */
  activateFactor(factorId: string, now: Date): Promise<boolean>;
  /** Deletes the factor with its codes and push transactions. */
  deleteFactor(factorId: string): Promise<boolean>;
  /** The sealed secret stored with the factor, or null (none, or no such factor). */
  findFactorSecret(factorId: string): Promise<string | null>;
  /**
   * Records `step` as the factor's last accepted TOTP time step, only if it is later than the
   * one recorded (or none is). True for exactly one caller per step: a code, once accepted,
   * can never be accepted again, nor can any code of an earlier step (replay protection).
   */
  advanceTotpStep(factorId: string, step: number): Promise<boolean>;
}
