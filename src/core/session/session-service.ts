import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import { sha256Hex } from '../hashing.js';
import { randomBase62, type Random } from '../random.js';
import type { User } from '../identity/user.js';
import { isSessionLive, type Session, type SessionStatus } from './session.js';
import type { SessionStore } from './session-store.js';

export interface SessionServiceOptions {
  store: SessionStore;
  clock: Clock;
  random: Random;
  idleSeconds: number;
  maxSeconds: number;
}

export interface StartedSession {
  /** The bearer secret, shown once: it is the session object's `id` on the wire. */
  token: string;
  session: Session;
}

// Okta session ids are 25 characters; "102" + 22 base62 characters carries 131 random bits.
const TOKEN_PREFIX = '102';
const TOKEN_RANDOM_CHARS = 22;
const TOKEN_PATTERN = /^102[0-9A-Za-z]{22}$/;
// Sliding expiry is written at most once a minute per session, not on every request.
const TOUCH_GRANULARITY_MS = 60_000;

const invalidSession = () => new AuthError('invalid_session', 'Invalid session', { resource: 'Session' });

export class SessionService {
  constructor(private readonly o: SessionServiceOptions) {}

  /** `factorVerifiedAt`: when the second factor was proven (a session made from an authn sessionToken). */
  async start(user: User, status: SessionStatus, amr: string[], options: { factorVerifiedAt?: Date } = {}): Promise<StartedSession> {
    const now = this.o.clock.now();
    const token = TOKEN_PREFIX + randomBase62(this.o.random, TOKEN_RANDOM_CHARS);
    const session: Session = {
      tokenHash: sha256Hex(token),
      userId: user.id,
      login: user.profile.login,
      status,
      createdAt: now,
      absoluteExpiresAt: new Date(now.getTime() + this.o.maxSeconds * 1000),
      idleExpiresAt: new Date(now.getTime() + Math.min(this.o.idleSeconds, this.o.maxSeconds) * 1000),
      lastPasswordVerification: now,
      lastFactorVerification: options.factorVerifiedAt ?? null,
      amr,
    };
    await this.o.store.createSession(session);
    return { token, session };
  }

  /** A live session by its token, its idle expiry slid forward; invalid_session otherwise. */
  async resolve(token: string): Promise<Session> {
    if (!TOKEN_PATTERN.test(token)) throw invalidSession();
    const session = await this.o.store.findSession(sha256Hex(token));
    const now = this.o.clock.now();
    if (session === null || !isSessionLive(session, now)) throw invalidSession();
    const slid = new Date(Math.min(now.getTime() + this.o.idleSeconds * 1000, session.absoluteExpiresAt.getTime()));
    if (slid.getTime() - session.idleExpiresAt.getTime() >= TOUCH_GRANULARITY_MS) {
      await this.o.store.touchSession(session.tokenHash, slid);
      session.idleExpiresAt = slid;
    }
    return session;
  }

  /** Like resolve, but a session still owing its second factor is refused. */
  async requireActive(token: string): Promise<Session> {
    const session = await this.resolve(token);
    if (session.status !== 'ACTIVE') {
      throw new AuthError('mfa_required', 'This session has not completed multi-factor authentication');
    }
    return session;
  }

  /** Ends the session; invalid_session when there was none. */
  async end(token: string): Promise<void> {
    if (!TOKEN_PATTERN.test(token) || !(await this.o.store.deleteSession(sha256Hex(token)))) {
      throw invalidSession();
    }
  }

  /** MFA_REQUIRED → ACTIVE for exactly this session. */
  async completeMfa(tokenHash: string, userId: string, amr: string[]): Promise<boolean> {
    return this.o.store.completeMfa(tokenHash, userId, this.o.clock.now(), amr);
  }

  /** MFA_REQUIRED → ACTIVE for the user's sessions created at or before `createdAtOrBefore`. */
  async completeMfaForUser(userId: string, createdAtOrBefore: Date, amr: string[]): Promise<number> {
    return this.o.store.completeMfaForUser(userId, createdAtOrBefore, this.o.clock.now(), amr);
  }

  /** True when the session behind `tokenHash` is live, ACTIVE and belongs to `userId`. */
  async isActiveByHash(tokenHash: string, userId: string): Promise<boolean> {
    const session = await this.o.store.findSession(tokenHash);
    return session !== null && session.userId === userId && session.status === 'ACTIVE' && isSessionLive(session, this.o.clock.now());
  }

  hashOf(token: string): string | null {
    return TOKEN_PATTERN.test(token) ? sha256Hex(token) : null;
  }
}
