import type { SessionStatus } from '../session/session.js';

/**
 * A session's lifecycle (see STATES.md). Login with an active second factor opens it in
 * MFA_REQUIRED; only `mfa_verified` makes it ACTIVE; `end` (logout, expiry) removes it.
 * Only ACTIVE sessions may read the user or mint grants.
 */
export type SessionEvent = 'mfa_verified' | 'read_user' | 'grant' | 'end';

const ALLOWED: Record<SessionStatus, Partial<Record<SessionEvent, SessionStatus | 'ENDED'>>> = {
  MFA_REQUIRED: { mfa_verified: 'ACTIVE', end: 'ENDED' },
  ACTIVE: { mfa_verified: 'ACTIVE', read_user: 'ACTIVE', grant: 'ACTIVE', end: 'ENDED' },
};

export function sessionTransition(status: SessionStatus, event: SessionEvent): SessionStatus | 'ENDED' | null {
  return ALLOWED[status][event] ?? null;
}
