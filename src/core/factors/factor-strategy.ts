import type { RequestContext } from '../audit/audit-event.js';
import type { User } from '../identity/user.js';
import type { Factor, FactorProvider, FactorType } from './factor.js';

/** What happens when a factor is challenged (verify called without an answer). */
export type ChallengeOutcome =
  | { kind: 'sent'; expiresAt: Date } // a code went out (email); the answer comes as a passCode
  | { kind: 'none' } // nothing to send (TOTP); the answer comes as a passCode
  | { kind: 'waiting'; transactionId: string; expiresAt: Date }; // push: poll until the device answers

/** Okta factorResult values a verification may end in. */
export type VerifyOutcome =
  | { result: 'SUCCESS' }
  | { result: 'WAITING'; transactionId: string; expiresAt: Date }
  | { result: 'REJECTED' | 'TIMEOUT' };

export interface EnrollInput {
  provider: FactorProvider;
  profile: Record<string, string>;
  /** For email: the code lifetime (Okta's tokenLifetimeSeconds). */
  tokenLifetimeSeconds?: number;
  /** activate=true at enrolment (Okta Factors API): the factor is ACTIVE at once, nothing is sent. */
  activateNow: boolean;
}

export interface EnrollResult {
  factor: Factor;
  /** Okta's `_embedded.activation` (TOTP: sharedSecret, timeStep, …; push: QR/activation data). */
  activation?: Record<string, unknown>;
}

/**
 * One authentication method (email, TOTP, push). The Authn flow and the Factors API pick the
 * strategy by factorType from a FactorStrategies table and never test the type themselves.
 */
export interface FactorStrategy {
  readonly factorType: FactorType;
  readonly providers: readonly FactorProvider[];
  /** amr value(s) this factor adds to a session (RFC 8176 / Okta). */
  readonly amr: readonly string[];
  /** Creates the factor (PENDING_ACTIVATION unless activateNow) and starts activation. */
  enroll(user: User, input: EnrollInput, context: RequestContext | null): Promise<EnrollResult>;
  /** Resends the activation (email code); push: a new activation; TOTP: operation_not_allowed. */
  resendActivation(user: User, factor: Factor, context: RequestContext | null): Promise<void>;
  /** Completes activation with the user's answer; invalid_passcode when wrong. Makes the factor ACTIVE. */
  activate(user: User, factor: Factor, passCode: string | undefined, context: RequestContext | null): Promise<void>;
  /** Starts a verification of an ACTIVE factor. */
  challenge(user: User, factor: Factor, context: RequestContext | null): Promise<ChallengeOutcome>;
  /**
   * Checks an answer. passCode for email/TOTP (invalid_passcode when wrong; replayed TOTP too);
   * transactionId for push polls. Never succeeds twice for the same answer.
   */
  verify(
    user: User,
    factor: Factor,
    answer: { passCode?: string; transactionId?: string },
    context: RequestContext | null,
  ): Promise<VerifyOutcome>;
}

export type FactorStrategies = ReadonlyMap<FactorType, FactorStrategy>;
