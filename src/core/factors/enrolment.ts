import { AuthError } from '../errors.js';
import type { Factor } from './factor.js';
import type { FactorStore } from './factor-store.js';

/** Okta's answer when a factor of that type is already set up. */
export const factorAlreadySetUp = (): AuthError =>
  new AuthError('validation_failed', 'factorType', {
    causes: [{ summary: 'A factor of this type is already set up.', location: 'factorType' }],
  });

/**
 * One enrolment per factor type: an ACTIVE factor refuses a second enrolment; an unfinished one
 * is replaced, because its secret was never proven.
 */
export async function clearPendingEnrolment(factors: FactorStore, existing: Factor | undefined): Promise<void> {
  if (existing === undefined) return;
  if (existing.status === 'ACTIVE') throw factorAlreadySetUp();
  await factors.deleteFactor(existing.id);
}
