import type { FactorStatus } from '../factors/factor.js';

/**
 * The email factor's lifecycle as an explicit state machine (see STATES.md):
 * enrolled PENDING_ACTIVATION; `activate` (right enrolment code) → ACTIVE;
 * `resend` only while pending; `challenge` and `verify` only once ACTIVE.
 */
export type FactorEvent = 'resend' | 'activate' | 'challenge' | 'verify';

const ALLOWED: Record<FactorStatus, Partial<Record<FactorEvent, FactorStatus>>> = {
  PENDING_ACTIVATION: { resend: 'PENDING_ACTIVATION', activate: 'ACTIVE' },
  ACTIVE: { challenge: 'ACTIVE', verify: 'ACTIVE' },
};

/** The status after `event`, or null when the event is not allowed in `status`. */
export function factorTransition(status: FactorStatus, event: FactorEvent): FactorStatus | null {
  return ALLOWED[status][event] ?? null;
}
