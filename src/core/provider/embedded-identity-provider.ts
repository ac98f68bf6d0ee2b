import type { RequestContext } from '../audit/audit-event.js';
import { authEvent, recordEvent, userActor } from '../audit/auth-events.js';
import type { EventLog } from '../audit/event-log.js';
import { AuthError } from '../errors.js';
import type { MfaChallenge } from '../flows/mfa-challenge.js';
import type { PasswordLogin } from '../flows/password-login.js';
import type { Registration } from '../flows/registration.js';
import type { IdentityStore } from '../identity/identity-store.js';
import type { Logger } from '../logger.js';
import type { SessionService } from '../session/session-service.js';
import type {
  ActiveSessionRef,
  IdentityProvider,
  LoginOutcome,
  RegisterInput,
  TokenSubject,
  UserView,
} from './identity-provider.js';

export interface EmbeddedIdentityProviderOptions {
  registration: Registration;
  login: PasswordLogin;
  mfa: MfaChallenge;
  sessions: SessionService;
  identity: IdentityStore;
  logger: Logger;
  /** System Log (session end). */
  events?: EventLog;
}

/** The identity provider of embedded mode: Latchkey's own engine (users, factors, sessions in its database). */
export class EmbeddedIdentityProvider implements IdentityProvider {
  constructor(private readonly o: EmbeddedIdentityProviderOptions) {}

  register(input: RegisterInput, context?: RequestContext): Promise<{ userId: string; otpSent: boolean }> {
    return this.o.registration.register(input, context);
  }

  activate(userId: string, otp: string | undefined, context?: RequestContext): Promise<void> {
    return this.o.registration.activate(userId, otp, context);
  }

  async login(input: { email: string; password: string; ip: string; context?: RequestContext }): Promise<LoginOutcome> {
    const result = await this.o.login.login({
      login: input.email,
      password: input.password,
      ip: input.ip,
      ...(input.context !== undefined ? { context: input.context } : {}),
    });
    if (result.kind === 'factor_not_active') return { kind: 'factor_not_active', userId: result.userId };
    const user = await this.o.identity.findUserById(result.started.session.userId);
    if (user === null) throw new AuthError('authentication_failed', 'Authentication failed');
    return { kind: 'session', session: { source: 'local', token: result.started.token, session: result.started.session, user } };
  }

  mfaSend(userId: string, context?: RequestContext): Promise<void> {
    return this.o.mfa.send(userId, context);
  }

  async mfaVerify(input: { userId: string; otp: string; sessionId?: string; context?: RequestContext }): Promise<void> {
    await this.o.mfa.verify({
      userId: input.userId,
      otp: input.otp,
      ...(input.sessionId !== undefined ? { sessionToken: input.sessionId } : {}),
      ...(input.context !== undefined ? { context: input.context } : {}),
    });
  }

  async logout(sessionId: string, context?: RequestContext): Promise<void> {
    // Whose session it was, for the System Log; an unknown session ends as before (end() decides).
    const ending = this.o.events === undefined ? null : await this.o.sessions.resolve(sessionId).catch(() => null);
    await this.o.sessions.end(sessionId);
    this.o.logger.info({ event: 'session.end' }, 'session ended');
    const user = ending === null ? null : await this.o.identity.findUserById(ending.userId);
    if (user !== null) await recordEvent(this.o.events, authEvent('user.session.end', 'User logout from Okta', userActor(user), 'SUCCESS'), context);
  }

  async getUserBySession(sessionId: string): Promise<UserView> {
    const session = await this.o.sessions.requireActive(sessionId);
    const user = await this.o.identity.findUserById(session.userId);
    if (user === null) throw new AuthError('invalid_session', 'Invalid session', { resource: 'Session' });
    return { source: 'local', user };
  }

  async requireActiveSession(sessionId: string): Promise<ActiveSessionRef> {
    const session = await this.o.sessions.requireActive(sessionId);
    return { userId: session.userId, sessionHash: session.tokenHash };
  }

  isSessionActive(sessionHash: string, userId: string): Promise<boolean> {
    return this.o.sessions.isActiveByHash(sessionHash, userId);
  }

  async findTokenSubject(userId: string): Promise<TokenSubject | null> {
    const user = await this.o.identity.findUserById(userId);
    if (user === null) return null;
    return { id: user.id, active: user.status === 'ACTIVE', profile: { ...user.profile } };
  }
}
