import type { RequestContext } from '../audit/audit-event.js';
import type { User } from '../identity/user.js';
import type { Session } from '../session/session.js';

/** `/api/register` input. */
export interface RegisterInput {
  firstName: string;
  lastName: string;
  email: string;
  password: string;
}

/**
 * A session as the provider holds it: the engine's own (rendered as Okta's session object by the
 * HTTP layer), or an upstream Okta org's session object, its `status` already set to the local
 * MFA state.
 */
export type SessionView =
  | { source: 'local'; token: string; session: Session; user: User }
  | { source: 'upstream'; document: Record<string, unknown> };

/** A user as the provider holds it: the engine's own, or an upstream Okta org's user object. */
export type UserView = { source: 'local'; user: User } | { source: 'upstream'; document: Record<string, unknown> };

export type LoginOutcome = { kind: 'factor_not_active'; userId: string } | { kind: 'session'; session: SessionView };

/** What SSO grant / token needs from a session: whose it is, and a handle that never is the secret. */
export interface ActiveSessionRef {
  userId: string;
  /** SHA-256 of the session id: grant codes are bound to it. */
  sessionHash: string;
}

/** What the SSO token carries: the profile, and whether the user may still sign in. */
export interface TokenSubject {
  id: string;
  active: boolean;
  profile: Record<string, unknown>;
}

/** The part of the provider the SSO service (grant → token) needs. */
export interface SsoIdentity {
  /** An ACTIVE (second factor done) live session; invalid_session / mfa_required otherwise. */
  requireActiveSession(sessionId: string): Promise<ActiveSessionRef>;
  /** True while the session behind `sessionHash` is live, ACTIVE and `userId`'s. */
  isSessionActive(sessionHash: string, userId: string): Promise<boolean>;
  /** The user for an SSO token, or null when there is none. */
  findTokenSubject(userId: string): Promise<TokenSubject | null>;
}

/**
 * The identity provider behind the seed JSON API (`/api/*`): the embedded engine, or an Okta org
 * through its REST API. Every verb answers with core types and fails with AuthError codes; an
 * upstream org's own errors travel as `upstream_error` with the org's Okta error body, transport
 * failures as `upstream_unavailable`.
 */
export interface IdentityProvider extends SsoIdentity {
  /** Creates the user (ACTIVE, password set) and enrols the email factor, which mails a code. */
  register(input: RegisterInput, context?: RequestContext): Promise<{ userId: string; otpSent: boolean }>;
  /** With a code: the email factor becomes ACTIVE. Without: a fresh enrolment code is mailed. */
  activate(userId: string, otp: string | undefined, context?: RequestContext): Promise<void>;
  /** Checks the password: a session waiting for the second factor, or the user id when the factor is not active. */
  login(input: { email: string; password: string; ip: string; context?: RequestContext }): Promise<LoginOutcome>;
  /** Mails a sign-in code for the active email factor. */
  mfaSend(userId: string, context?: RequestContext): Promise<void>;
  /**
   * Verifies a sign-in code. With `sessionId`: exactly that session (the user's, still waiting)
   * becomes ACTIVE, checked before the code. Without: the user's waiting sessions created before
   * the code was sent.
   */
  mfaVerify(input: { userId: string; otp: string; sessionId?: string; context?: RequestContext }): Promise<void>;
  /** Ends the session; invalid_session when there is none. */
  logout(sessionId: string, context?: RequestContext): Promise<void>;
  /** The user of an ACTIVE session. */
  getUserBySession(sessionId: string): Promise<UserView>;
}
