/**
 * Okta's authn transaction (Classic `/api/v1/authn`) as a persisted flow: a discriminated union
 * on `state`. Transitions are pure (authn-transitions.ts); AuthnService does the side effects
 * (password and factor checks, mail, tokens) and persists each new flow with a compare-and-set
 * on `version`. See STATES.md for the diagram.
 */

/** Client options of `POST /api/v1/authn`. */
export interface AuthnOptions {
  multiOptionalFactorEnroll: boolean;
  warnBeforePasswordExpired: boolean;
}

/** The password's standing at primary authentication (password-age policy or an admin's expire_password). */
export type PasswordStanding = 'VALID' | 'WARN' | 'EXPIRED';

/** Policy facts fixed when the transaction starts. */
export interface AuthnPolicy {
  /** The user must have an active factor before SUCCESS (enrolment at sign-in otherwise). */
  mfaRequired: boolean;
  password: PasswordStanding;
  /** When the password expires (null: never); for PASSWORD_WARN's passwordExpireDays. */
  passwordExpiresAt: Date | null;
  /** Sliding lifetime of the stateToken. */
  idleSeconds: number;
  /** Lifetime of the sessionToken issued at SUCCESS. */
  sessionTokenSeconds: number;
}

/** How a challenged factor answers: a code was sent (email), nothing to send (TOTP), or a push waits. */
export type ChallengeKind = 'sent' | 'none' | 'waiting';

/** Okta's factorResult values this flow shows in MFA_CHALLENGE. */
export type AuthnFactorResult = 'CHALLENGE' | 'WAITING' | 'REJECTED' | 'TIMEOUT';

export interface AuthnFlowBase {
  /** Internal id (never on the wire). */
  id: string;
  /** SHA-256 hex of the stateToken; the token itself is never stored. */
  stateTokenHash: string;
  userId: string;
  createdAt: Date;
  /** Sliding end: moved to now + idleSeconds on every accepted call, never past maxExpiresAt. */
  expiresAt: Date;
  /** Hard end of the transaction. */
  maxExpiresAt: Date;
  relayState: string | null;
  options: AuthnOptions;
  policy: AuthnPolicy;
  /** Methods proven so far (pwd, then the factor's amr and mfa). */
  amr: string[];
  /** Incremented by every transition; the store's compare-and-set key. */
  version: number;
}

export type AuthnFlow =
  | (AuthnFlowBase & { state: 'MFA_ENROLL' })
  | (AuthnFlowBase & { state: 'MFA_ENROLL_ACTIVATE'; factorId: string; resendable: boolean })
  | (AuthnFlowBase & { state: 'MFA_REQUIRED' })
  | (AuthnFlowBase & {
      state: 'MFA_CHALLENGE';
      factorId: string;
      challenge: ChallengeKind;
      factorResult: AuthnFactorResult;
      /** The push transaction being polled (challenge 'waiting'), else null. */
      pushTransactionId: string | null;
    })
  | (AuthnFlowBase & { state: 'PASSWORD_EXPIRED' })
  | (AuthnFlowBase & { state: 'PASSWORD_WARN' })
  | (AuthnFlowBase & {
      state: 'SUCCESS';
      /** SHA-256 hex of the single-use sessionToken. */
      sessionTokenHash: string;
      sessionTokenExpiresAt: Date;
    });

export type AuthnState = AuthnFlow['state'];

/** Facts established by AuthnService before it asks the pure transitions what comes next. */
export type AuthnInput =
  | { type: 'touch' }
  | { type: 'challenged'; factorId: string; challenge: ChallengeKind; pushTransactionId: string | null }
  | { type: 'push_ended'; factorId: string; result: 'REJECTED' | 'TIMEOUT' }
  | { type: 'factor_verified'; factorId: string; amr: readonly string[]; sessionTokenHash: string }
  | { type: 'enroll_started'; factorId: string; resendable: boolean }
  | { type: 'enroll_activated'; factorId: string; amr: readonly string[]; moreToEnroll: boolean; sessionTokenHash: string }
  | { type: 'skip'; sessionTokenHash: string }
  | { type: 'password_changed'; sessionTokenHash: string }
  | { type: 'previous' };

/** What the service must do or report after a transition. */
export type AuthnEffect =
  | { type: 'session_token_issued' }
  | { type: 'mfa_verified'; factorId: string }
  | { type: 'factor_activated'; factorId: string };

export interface AuthnStep {
  flow: AuthnFlow;
  effects: AuthnEffect[];
}

/** Everything primary authentication learned, for startAuthn. */
export interface AuthnStart {
  id: string;
  stateTokenHash: string;
  /** Used only when the transaction succeeds at once. */
  sessionTokenHash: string;
  userId: string;
  hasActiveFactor: boolean;
  relayState: string | null;
  options: AuthnOptions;
  policy: AuthnPolicy;
  maxSeconds: number;
}
