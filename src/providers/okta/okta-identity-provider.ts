import type { RequestContext } from '../../core/audit/audit-event.js';
import type { Clock } from '../../core/clock.js';
import { AuthError } from '../../core/errors.js';
import { sha256Hex } from '../../core/hashing.js';
import type { Logger } from '../../core/logger.js';
import type {
  ActiveSessionRef,
  IdentityProvider,
  LoginOutcome,
  RegisterInput,
  TokenSubject,
  UserView,
} from '../../core/provider/identity-provider.js';
import type { UpstreamSession, UpstreamSessionStore } from '../../core/provider/upstream-session-store.js';
import { unexpected, type OktaClient, type OktaRequest } from './okta-client.js';

export interface OktaIdentityProviderOptions {
  client: OktaClient;
  store: UpstreamSessionStore;
  clock: Clock;
  logger: Logger;
}

interface OktaFactor {
  id: string;
  factorType: string;
  provider: string;
  status: string;
  profile: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const invalidSession = () => new AuthError('invalid_session', 'Invalid session', { resource: 'Session' });
const enc = encodeURIComponent;

/**
 * Okta mode: the seed API on an Okta org's REST API (Users, Factors, Authn, Sessions). The org
 * holds users, factors, codes, mail and sessions; locally only the MFA binding of the org's
 * sessions (hashed ids, MFA_REQUIRED | ACTIVE) and when sign-in codes were sent.
 */
export class OktaIdentityProvider implements IdentityProvider {
  constructor(private readonly o: OktaIdentityProviderOptions) {}

  async register(input: RegisterInput): Promise<{ userId: string; otpSent: boolean }> {
    const email = input.email.trim();
    const req: OktaRequest = {
      method: 'POST',
      path: '/api/v1/users?activate=true',
      body: {
        profile: { firstName: input.firstName, lastName: input.lastName, email, login: email.toLowerCase() },
        credentials: { password: { value: input.password } },
      },
    };
    const user = await this.json(req);
    const userId = this.string(req, user, 'id');
    let otpSent = true;
    try {
      await this.enrolEmail(userId, email);
    } catch (error) {
      // The user exists: as in embedded mode, a failed enrolment mail does not undo it.
      otpSent = false;
      this.o.logger.warn({ userId, err: error }, 'registered in Okta, but the email factor was not enrolled');
    }
    return { userId, otpSent };
  }

  async activate(userId: string, otp: string | undefined): Promise<void> {
    const { factor, email } = await this.emailFactorOf(userId);
    if (otp === undefined) {
      if (factor === undefined) {
        await this.enrolEmail(userId, email);
        return;
      }
      if (factor.status === 'ACTIVE') throw alreadyActive();
      await this.json({
        method: 'POST',
        path: `/api/v1/users/${enc(userId)}/factors/${enc(factor.id)}/resend`,
        body: { factorType: 'email', provider: factor.provider, profile: factor.profile },
      });
      return;
    }
    if (factor === undefined) {
      throw new AuthError('not_found', 'Not found: Resource not found: email (UserFactor)', { resource: 'UserFactor' });
    }
    if (factor.status === 'ACTIVE') throw alreadyActive();
    await this.json({
      method: 'POST',
      path: `/api/v1/users/${enc(userId)}/factors/${enc(factor.id)}/lifecycle/activate`,
      body: { passCode: otp },
    });
  }

  async login(input: { email: string; password: string; ip: string; context?: RequestContext }): Promise<LoginOutcome> {
    const authnReq: OktaRequest = { method: 'POST', path: '/api/v1/authn', body: { username: input.email.trim(), password: input.password }, auth: false };
    const tx = await this.json(authnReq);
    const status = this.string(authnReq, tx, 'status');
    const embeddedUser = isRecord(tx._embedded) && isRecord(tx._embedded.user) ? tx._embedded.user : {};
    const userId = this.string(authnReq, embeddedUser, 'id');
    const stateToken = typeof tx.stateToken === 'string' ? tx.stateToken : null;

    if (status !== 'SUCCESS') {
      if (stateToken !== null) await this.cancel(stateToken);
      if (status === 'MFA_ENROLL' || status === 'MFA_ENROLL_ACTIVATE') return { kind: 'factor_not_active', userId };
      if (status === 'MFA_REQUIRED') {
        const { factor } = await this.emailFactorOf(userId);
        if (factor?.status !== 'ACTIVE') return { kind: 'factor_not_active', userId };
        this.o.logger.warn({ event: 'okta.sign_on_policy', userId }, 'Okta asked for MFA at /api/v1/authn: see docs/okta-mode.md');
        throw new AuthError('operation_not_allowed', 'The Okta sign-on policy requires MFA at sign-in', {
          causes: [{ summary: 'policy: Okta mode needs a sign-on policy that does not prompt for a factor at /api/v1/authn; Latchkey asks for the email code itself (docs/okta-mode.md)' }],
        });
      }
      if (status === 'LOCKED_OUT') throw new AuthError('authentication_failed', 'Authentication failed');
      throw new AuthError('operation_not_allowed', `Okta answered the sign-in with ${status}`, {
        causes: [{ summary: `status: ${status} must be handled in Okta (e.g. change the password there)` }],
      });
    }

    const { factor } = await this.emailFactorOf(userId);
    // The sessionToken is left unused: it dies on its own after 5 minutes.
    if (factor?.status !== 'ACTIVE') return { kind: 'factor_not_active', userId };
    const sessionReq: OktaRequest = { method: 'POST', path: '/api/v1/sessions', body: { sessionToken: this.string(authnReq, tx, 'sessionToken') }, auth: false };
    const session = await this.json(sessionReq);
    const sessionId = this.string(sessionReq, session, 'id');
    const now = this.o.clock.now();
    await this.o.store.createSession({
      sessionHash: sha256Hex(sessionId),
      userId,
      status: 'MFA_REQUIRED',
      createdAt: now,
      expiresAt: expiresAtOf(session, new Date(now.getTime() + 7_200_000)),
      factorVerifiedAt: null,
    });
    this.o.logger.info({ event: 'session.start', userId, status: 'MFA_REQUIRED', provider: 'okta' }, 'session started');
    return { kind: 'session', session: { source: 'upstream', document: { ...session, status: 'MFA_REQUIRED', mfaActive: false } } };
  }

  async mfaSend(userId: string): Promise<void> {
    const factor = await this.activeEmailFactor(userId);
    const sentAt = this.o.clock.now();
    const result = await this.json({ method: 'POST', path: `/api/v1/users/${enc(userId)}/factors/${enc(factor.id)}/verify`, body: {} });
    if (result.factorResult !== 'CHALLENGE') this.o.logger.warn({ userId, factorResult: result.factorResult }, 'unexpected factorResult for an email challenge');
    await this.o.store.recordChallenge(userId, sentAt);
    this.o.logger.info({ event: 'mfa.challenge', userId, factorId: factor.id, provider: 'okta' }, 'mfa challenge sent');
  }

  async mfaVerify(input: { userId: string; otp: string; sessionId?: string }): Promise<void> {
    const factor = await this.activeEmailFactor(input.userId);
    let bound: string | null = null;
    if (input.sessionId !== undefined) {
      const session = await this.o.store.findSession(sha256Hex(input.sessionId));
      if (session === null || session.userId !== input.userId || session.status !== 'MFA_REQUIRED' || !this.live(session)) throw invalidSession();
      bound = session.sessionHash;
    }
    const req: OktaRequest = { method: 'POST', path: `/api/v1/users/${enc(input.userId)}/factors/${enc(factor.id)}/verify`, body: { passCode: input.otp } };
    const result = await this.json(req);
    if (result.factorResult !== 'SUCCESS') {
      throw new AuthError('invalid_passcode', 'Invalid Passcode/Answer');
    }
    const now = this.o.clock.now();
    let upgraded: number;
    if (bound !== null) upgraded = Number(await this.o.store.completeMfa(bound, input.userId, now));
    else {
      const sentAt = await this.o.store.lastChallenge(input.userId);
      upgraded = sentAt === null ? 0 : await this.o.store.completeMfaForUser(input.userId, sentAt, now);
    }
    this.o.logger.info({ event: 'mfa.verified', userId: input.userId, upgraded, provider: 'okta' }, 'mfa verified');
  }

  async logout(sessionId: string): Promise<void> {
    const hash = sha256Hex(sessionId);
    const session = await this.o.store.findSession(hash);
    if (session === null) throw invalidSession();
    await this.o.store.deleteSession(hash);
    try {
      await this.o.client.request({ method: 'DELETE', path: `/api/v1/sessions/${enc(sessionId)}` });
    } catch (error) {
      // Already gone in the org: ended all the same, but the caller learns it was not live.
      if (isUpstreamNotFound(error)) throw invalidSession();
      throw error;
    }
    this.o.logger.info({ event: 'session.end', provider: 'okta' }, 'session ended');
  }

  async getUserBySession(sessionId: string): Promise<UserView> {
    const ref = await this.requireActiveSession(sessionId);
    const user = await this.json({ method: 'GET', path: `/api/v1/users/${enc(ref.userId)}` });
    return { source: 'upstream', document: user };
  }

  async requireActiveSession(sessionId: string): Promise<ActiveSessionRef> {
    const hash = sha256Hex(sessionId);
    const local = await this.o.store.findSession(hash);
    if (local === null || !this.live(local)) throw invalidSession();
    if (local.status !== 'ACTIVE') throw new AuthError('mfa_required', 'This session has not completed multi-factor authentication');
    let upstream: Json;
    try {
      upstream = await this.json({ method: 'GET', path: `/api/v1/sessions/${enc(sessionId)}` });
    } catch (error) {
      if (isUpstreamNotFound(error)) {
        await this.o.store.deleteSession(hash);
        throw invalidSession();
      }
      throw error;
    }
    if (upstream.userId !== local.userId || upstream.status !== 'ACTIVE') throw invalidSession();
    await this.o.store.touchSession(hash, expiresAtOf(upstream, local.expiresAt));
    return { userId: local.userId, sessionHash: hash };
  }

  async isSessionActive(sessionHash: string, userId: string): Promise<boolean> {
    const session = await this.o.store.findSession(sessionHash);
    return session !== null && session.userId === userId && session.status === 'ACTIVE' && this.live(session);
  }

  async findTokenSubject(userId: string): Promise<TokenSubject | null> {
    let user: Json;
    try {
      user = await this.json({ method: 'GET', path: `/api/v1/users/${enc(userId)}` });
    } catch (error) {
      if (isUpstreamNotFound(error)) return null;
      throw error;
    }
    const profile = isRecord(user.profile) ? user.profile : {};
    return { id: userId, active: user.status === 'ACTIVE', profile };
  }

  private live(session: UpstreamSession): boolean {
    return session.expiresAt.getTime() > this.o.clock.now().getTime();
  }

  private async enrolEmail(userId: string, email: string): Promise<void> {
    await this.json({
      method: 'POST',
      path: `/api/v1/users/${enc(userId)}/factors`,
      body: { factorType: 'email', provider: 'OKTA', profile: { email } },
    });
  }

  /** The user's email factor (undefined when none is enrolled) and address; the org's 404 for an unknown user. */
  private async emailFactorOf(userId: string): Promise<{ factor: OktaFactor | undefined; email: string }> {
    const userReq: OktaRequest = { method: 'GET', path: `/api/v1/users/${enc(userId)}` };
    const user = await this.json(userReq);
    const profile = isRecord(user.profile) ? user.profile : {};
    const email = typeof profile.email === 'string' ? profile.email : '';
    const req: OktaRequest = { method: 'GET', path: `/api/v1/users/${enc(userId)}/factors` };
    const { body } = await this.o.client.request(req);
    if (!Array.isArray(body)) throw unexpected(req, 200, 'something other than a list of factors');
    const factor = body
      .filter(isRecord)
      .map((f) => ({
        id: String(f.id),
        factorType: String(f.factorType),
        provider: String(f.provider),
        status: String(f.status),
        profile: isRecord(f.profile) ? f.profile : {},
      }))
      .find((f) => f.factorType === 'email');
    return { factor, email };
  }

  private async activeEmailFactor(userId: string): Promise<OktaFactor> {
    const { factor } = await this.emailFactorOf(userId);
    if (factor?.status !== 'ACTIVE') {
      throw new AuthError('operation_not_allowed', 'The email factor is not active', {
        causes: [{ summary: 'factor: Confirm the email address with /api/activate first' }],
      });
    }
    return factor;
  }

  private async cancel(stateToken: string): Promise<void> {
    await this.o.client.request({ method: 'POST', path: '/api/v1/authn/cancel', body: { stateToken }, auth: false }).catch(() => undefined);
  }

  private async json(req: OktaRequest): Promise<Json> {
    const { status, body } = await this.o.client.request(req);
    if (!isRecord(body)) throw unexpected(req, status, 'something other than a JSON object');
    return body;
  }

  private string(req: OktaRequest, body: Json, key: string): string {
    const value = body[key];
    if (typeof value !== 'string' || value.length === 0) throw unexpected(req, 200, `no "${key}"`);
    return value;
  }
}

function expiresAtOf(session: Json, fallback: Date): Date {
  const parsed = typeof session.expiresAt === 'string' ? Date.parse(session.expiresAt) : Number.NaN;
  return Number.isNaN(parsed) ? fallback : new Date(parsed);
}

function isUpstreamNotFound(error: unknown): boolean {
  return error instanceof AuthError && error.code === 'upstream_error' && error.upstream?.status === 404;
}

const alreadyActive = () =>
  new AuthError('operation_not_allowed', 'The email factor is already active', {
    causes: [{ summary: 'factor: The email factor is already active; use /api/mfa/verify' }],
  });
