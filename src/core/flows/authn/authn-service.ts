import type { AuditActor, RequestContext } from '../../audit/audit-event.js';
import { unknownActor, userActor } from '../../audit/auth-events.js';
import type { EventLog } from '../../audit/event-log.js';
import type { Clock } from '../../clock.js';
import { AuthError } from '../../errors.js';
import type { Factor, FactorProvider, FactorType } from '../../factors/factor.js';
import type { FactorStore } from '../../factors/factor-store.js';
import type { FactorStrategies, FactorStrategy, VerifyOutcome } from '../../factors/factor-strategy.js';
import { sha256Hex } from '../../hashing.js';
import type { IdentityStore } from '../../identity/identity-store.js';
import type { PasswordHasher } from '../../identity/password-hasher.js';
import { checkPassword } from '../../identity/password-policy.js';
import { normalizeLogin, type User } from '../../identity/user.js';
import type { Logger } from '../../logger.js';
import { randomBase62, randomToken, type Random } from '../../random.js';
import { enforceLimit } from '../../ratelimit/enforce.js';
import type { RateLimiter, RateLimitResult, RateLimitRule } from '../../ratelimit/rate-limiter.js';
import type { SessionService, StartedSession } from '../../session/session-service.js';
import type { SessionStore } from '../../session/session-store.js';
import type { PasswordCheck } from '../password-check.js';
import type { AuthnFlow, AuthnInput, AuthnOptions, AuthnPolicy, AuthnStep, PasswordStanding } from './authn-flow.js';
import type { AuthnTransactionStore } from './authn-store.js';
import { authnTransition, AuthnTransitionRefused, canSkipEnroll, startAuthn } from './authn-transitions.js';

export interface AuthnSettings {
  /** Users without an active factor must enrol one at sign-in (MFA_ENROLL) before SUCCESS. */
  mfaRequired: boolean;
  /**
   * Sign-on policy rule "prompt for factor": false lets a right password alone reach SUCCESS even
   * for users with an active factor (the application enforces its own second factor). Default true.
   */
  promptForFactor?: boolean;
  /** Okta's showLockoutFailures: answer LOCKED_OUT instead of the usual 401 for a locked account. */
  showLockoutFailures: boolean;
  /** Sliding lifetime of a stateToken, and the transaction's hard limit. */
  transactionIdleSeconds: number;
  transactionMaxSeconds: number;
  /** Lifetime of the single-use sessionToken (Okta: 5 min). */
  sessionTokenSeconds: number;
  /** Password age after which sign-in goes through PASSWORD_EXPIRED (0: passwords never expire). */
  passwordMaxAgeDays: number;
  /** Days before expiry in which warnBeforePasswordExpired yields PASSWORD_WARN. */
  passwordExpireWarnDays: number;
  /** Primary authentications per username per second (Okta: 4). */
  perUsernamePerSecond: number;
  /** Factor verifications per user per minute. */
  verifyPerUserPerMinute: number;
}

export interface AuthnServiceOptions {
  store: AuthnTransactionStore;
  identity: IdentityStore;
  factors: FactorStore;
  strategies: FactorStrategies;
  passwords: PasswordCheck;
  hasher: PasswordHasher;
  sessions: SessionService;
  sessionStore: SessionStore;
  limiter: RateLimiter;
  events: EventLog;
  clock: Clock;
  random: Random;
  logger: Logger;
  settings: AuthnSettings;
}

/** One line of MFA_ENROLL's factor list. */
export interface EnrollOption {
  factorType: FactorType;
  provider: FactorProvider;
  status: 'NOT_SETUP' | 'ACTIVE';
  enrollment: 'REQUIRED' | 'OPTIONAL';
}

/** Everything the wire needs to draw one transaction answer. */
export interface AuthnView {
  flow: AuthnFlow;
  /** null at SUCCESS (no stateToken is shown any more). */
  stateToken: string | null;
  /** Only in the answer that issued it. */
  sessionToken: string | null;
  user: User;
  /** MFA_REQUIRED: the user's active factors. */
  factors: Factor[];
  /** MFA_ENROLL: what may be enrolled. */
  enrollOptions: EnrollOption[];
  /** MFA_CHALLENGE and MFA_ENROLL_ACTIVATE: the factor concerned. */
  factor: Factor | null;
  /** Only in the answer to an enrolment (TOTP shared secret, push activation): never stored with the flow. */
  activation: Record<string, unknown> | null;
  /** PASSWORD_WARN: whole days left. */
  passwordExpireDays: number | null;
}

export type AuthnAnswer =
  | { kind: 'locked_out'; rateLimit: RateLimitResult | null }
  | { kind: 'transaction'; view: AuthnView; rateLimit: RateLimitResult | null };

export interface PrimaryInput {
  username: string;
  password: string;
  options: Partial<AuthnOptions>;
  relayState: string | null;
}

// stateToken: "00" + 40 base62 (≈238 bits); sessionToken: "20111" + 50 base62 (≈297 bits). Both stored as SHA-256.
const STATE_TOKEN = /^00[0-9A-Za-z]{40}$/;
const SESSION_TOKEN = /^20111[0-9A-Za-z]{50}$/;
const DAY_MS = 86_400_000;

const authenticationFailed = () => new AuthError('authentication_failed', 'Authentication failed');
const invalidToken = () => new AuthError('invalid_token', 'Invalid token provided');
const notAllowed = (why: string) => new AuthError('operation_not_allowed', why);
const factorNotFound = (factorId: string) =>
  new AuthError('not_found', `Not found: Resource not found: ${factorId} (UserFactor)`, { resource: 'UserFactor' });

const actorOf = (user: User): AuditActor => userActor(user);

/**
 * Okta's Classic authn transaction (`/api/v1/authn`): primary authentication, then factor
 * challenge/verification or enrolment, then password expiry, then a single-use sessionToken.
 * Each call loads the flow by its hashed stateToken, performs the side effect (password, factor,
 * mail), asks the pure transitions for the next state and stores it with a compare-and-set.
 */
export class AuthnService {
  private readonly usernameRule: RateLimitRule;
  private readonly verifyRule: RateLimitRule;

  constructor(private readonly o: AuthnServiceOptions) {
    this.usernameRule = { name: 'authn:username', limit: o.settings.perUsernamePerSecond, windowMs: 1000 };
    this.verifyRule = { name: 'authn-verify:user', limit: o.settings.verifyPerUserPerMinute, windowMs: 60_000 };
  }

  /** `POST /api/v1/authn {username, password}`. */
  async primary(input: PrimaryInput, context: RequestContext | null): Promise<AuthnAnswer> {
    const login = normalizeLogin(input.username);
    const rateLimit = await enforceLimit(this.o.limiter, this.usernameRule, login, this.o.clock.now());
    const checked = await this.o.passwords.check(login, input.password);
    const failed = async (user: User | null, reason: string): Promise<void> => {
      await this.o.events.record(
        {
          eventType: 'user.session.start',
          severity: 'INFO',
          displayMessage: 'User login to Okta',
          outcome: { result: 'FAILURE', reason },
          actor: user === null ? unknownActor(login) : actorOf(user),
          target: [],
        },
        context,
      );
    };

    if (checked.kind === 'unknown') {
      await failed(null, 'VERIFICATION_ERROR');
      throw authenticationFailed();
    }
    if (checked.kind === 'wrong' || checked.kind === 'locked') {
      await failed(checked.user, checked.kind === 'locked' ? 'LOCKED_OUT' : 'INVALID_CREDENTIALS');
      if (checked.kind === 'wrong' && checked.lockedNow) {
        await this.o.events.record(
          {
            eventType: 'user.account.lock',
            severity: 'WARN',
            displayMessage: 'Max sign in attempts exceeded',
            outcome: { result: 'SUCCESS', reason: null },
            actor: actorOf(checked.user),
            target: [],
          },
          context,
        );
      }
      const locked = checked.kind === 'locked' || checked.locked;
      if (locked && this.o.settings.showLockoutFailures) return { kind: 'locked_out', rateLimit };
      throw authenticationFailed();
    }
    const user = checked.user;
    if (user.status !== 'ACTIVE' && user.status !== 'PASSWORD_EXPIRED') {
      await failed(user, `USER_STATUS_${user.status}`);
      throw authenticationFailed();
    }
    await this.o.passwords.recordSuccess(user, input.password);
    await this.record('user.authentication.authenticate', 'User authenticated with a password', 'SUCCESS', user, context);

    const now = this.o.clock.now();
    const stateToken = '00' + randomBase62(this.o.random, 40);
    const sessionToken = this.newSessionToken();
    const active = await this.activeFactors(user);
    const step = startAuthn(
      {
        id: randomToken(this.o.random, 16),
        stateTokenHash: sha256Hex(stateToken),
        sessionTokenHash: sha256Hex(sessionToken),
        userId: user.id,
        hasActiveFactor: active.length > 0 && this.o.settings.promptForFactor !== false,
        relayState: input.relayState,
        options: {
          multiOptionalFactorEnroll: input.options.multiOptionalFactorEnroll ?? false,
          warnBeforePasswordExpired: input.options.warnBeforePasswordExpired ?? false,
        },
        policy: this.policyFor(user, now),
        maxSeconds: this.o.settings.transactionMaxSeconds,
      },
      now,
    );
    await this.o.store.createTransaction(step.flow);
    const view = await this.finish(step, user, stateToken, sessionToken, context);
    return { kind: 'transaction', view, rateLimit };
  }

  /** `POST /api/v1/authn {stateToken}` and `/introspect`: the current state, expiry slid. */
  async status(stateToken: string): Promise<AuthnView> {
    const { flow, user } = await this.load(stateToken);
    return this.apply(flow, user, stateToken, { type: 'touch' }, null);
  }

  /** `POST /api/v1/authn/cancel`: the transaction ends; its stateToken is dead. */
  async cancel(stateToken: string): Promise<{ relayState: string | null }> {
    const { flow } = await this.load(stateToken);
    if (!(await this.o.store.deleteTransaction(flow.id))) throw invalidToken();
    return { relayState: flow.relayState };
  }

  /** `POST /api/v1/authn/previous`. */
  async previous(stateToken: string): Promise<AuthnView> {
    const { flow, user } = await this.load(stateToken);
    return this.apply(flow, user, stateToken, { type: 'previous' }, null);
  }

  /** `POST /api/v1/authn/skip` (MFA_ENROLL with only optional factors left, PASSWORD_WARN). */
  async skip(stateToken: string, context: RequestContext | null): Promise<AuthnView> {
    const { flow, user } = await this.load(stateToken);
    const sessionToken = this.newSessionToken();
    return this.apply(flow, user, stateToken, { type: 'skip', sessionTokenHash: sha256Hex(sessionToken) }, context, sessionToken);
  }

  /**
   * `POST /api/v1/authn/factors/{factorId}/verify`: with a passCode, checks it; without one,
   * challenges the factor (mails a code, starts a push) or, while a push waits, polls it.
   */
  async verifyFactor(
    stateToken: string,
    factorId: string,
    answer: { passCode?: string },
    context: RequestContext | null,
  ): Promise<AuthnView> {
    const { flow, user } = await this.load(stateToken);
    if (flow.state !== 'MFA_REQUIRED' && flow.state !== 'MFA_CHALLENGE') throw notAllowed(`verify is not allowed in ${flow.state}`);
    const factor = await this.activeFactor(user, factorId);
    const strategy = this.strategyOf(factor);

    const polling = flow.state === 'MFA_CHALLENGE' && flow.factorId === factor.id && flow.pushTransactionId !== null;
    if (answer.passCode === undefined && !polling) return this.challenge(flow, user, stateToken, factor, strategy, context);

    // Guesses are limited; push polls (okta-auth-js: every 500 ms) guess nothing and are not counted.
    if (answer.passCode !== undefined) await enforceLimit(this.o.limiter, this.verifyRule, user.id, this.o.clock.now());
    let outcome: VerifyOutcome;
    try {
      outcome = await strategy.verify(
        user,
        factor,
        answer.passCode !== undefined
          ? { passCode: answer.passCode }
          : { transactionId: flow.state === 'MFA_CHALLENGE' && flow.pushTransactionId !== null ? flow.pushTransactionId : '' },
        context,
      );
    } catch (error) {
      await this.record('user.authentication.auth_via_mfa', 'Authentication of user via MFA', 'FAILURE', user, context, factor, 'INVALID_CREDENTIALS');
      throw error;
    }
    switch (outcome.result) {
      case 'SUCCESS': {
        const sessionToken = this.newSessionToken();
        const input: AuthnInput = { type: 'factor_verified', factorId: factor.id, amr: strategy.amr, sessionTokenHash: sha256Hex(sessionToken) };
        return this.apply(flow, user, stateToken, input, context, sessionToken, factor);
      }
      case 'WAITING':
        return this.apply(
          flow,
          user,
          stateToken,
          { type: 'challenged', factorId: factor.id, challenge: 'waiting', pushTransactionId: outcome.transactionId },
          context,
        );
      case 'REJECTED':
      case 'TIMEOUT':
        await this.record('user.authentication.auth_via_mfa', 'Authentication of user via MFA', 'FAILURE', user, context, factor, outcome.result);
        return this.apply(flow, user, stateToken, { type: 'push_ended', factorId: factor.id, result: outcome.result }, context);
    }
  }

  /** `POST /api/v1/authn/factors/{factorId}/verify/resend`: a new code or push for the factor being challenged. */
  async resendChallenge(stateToken: string, factorId: string, context: RequestContext | null): Promise<AuthnView> {
    const { flow, user } = await this.load(stateToken);
    if (flow.state !== 'MFA_CHALLENGE' || flow.factorId !== factorId || flow.challenge === 'none') {
      throw notAllowed('resend is not allowed in the current state');
    }
    const factor = await this.activeFactor(user, factorId);
    return this.challenge(flow, user, stateToken, factor, this.strategyOf(factor), context);
  }

  /** `POST /api/v1/authn/factors {factorType, provider, profile}` in MFA_ENROLL. */
  async enroll(
    stateToken: string,
    input: { factorType: string; provider: string; profile: Record<string, string> },
    context: RequestContext | null,
  ): Promise<AuthnView> {
    const { flow, user } = await this.load(stateToken);
    if (flow.state !== 'MFA_ENROLL') throw notAllowed(`enroll is not allowed in ${flow.state}`);
    const strategy = this.o.strategies.get(input.factorType as FactorType);
    const provider = strategy?.providers.find((p) => p === input.provider);
    if (strategy === undefined || provider === undefined) {
      throw new AuthError('validation_failed', 'factorType', {
        causes: [{ summary: `factorType: The factor type ${input.factorType} with provider ${input.provider} is not supported.` }],
      });
    }
    // A pending enrolment of the same kind is replaced, so an abandoned one never blocks sign-in.
    for (const f of await this.o.factors.listFactors(user.id)) {
      if (f.factorType === strategy.factorType && f.provider === provider && f.status !== 'ACTIVE') await this.o.factors.deleteFactor(f.id);
    }
    const result = await strategy.enroll(user, { provider, profile: input.profile, activateNow: false }, context);
    const view = await this.apply(
      flow,
      user,
      stateToken,
      { type: 'enroll_started', factorId: result.factor.id, resendable: result.activation === undefined },
      context,
    );
    return { ...view, activation: result.activation ?? null };
  }

  /** `POST /api/v1/authn/factors/{factorId}/lifecycle/activate {passCode}` in MFA_ENROLL_ACTIVATE. */
  async activateFactor(stateToken: string, factorId: string, passCode: string | undefined, context: RequestContext | null): Promise<AuthnView> {
    const { flow, user } = await this.load(stateToken);
    if (flow.state !== 'MFA_ENROLL_ACTIVATE' || flow.factorId !== factorId) throw notAllowed('activate is not allowed in the current state');
    const factor = await this.ownFactor(user, factorId);
    const strategy = this.strategyOf(factor);
    await enforceLimit(this.o.limiter, this.verifyRule, user.id, this.o.clock.now());
    await strategy.activate(user, factor, passCode, context);
    await this.record('user.mfa.factor.activate', 'Activate factor for user', 'SUCCESS', user, context, factor);
    const remaining = (await this.enrollOptions(user, flow)).some((o) => o.status === 'NOT_SETUP');
    const sessionToken = this.newSessionToken();
    const input: AuthnInput = {
      type: 'enroll_activated',
      factorId: factor.id,
      amr: strategy.amr,
      moreToEnroll: remaining,
      sessionTokenHash: sha256Hex(sessionToken),
    };
    return this.apply(flow, user, stateToken, input, context, sessionToken, factor);
  }

  /** `POST /api/v1/authn/factors/{factorId}/lifecycle/resend` in MFA_ENROLL_ACTIVATE. */
  async resendActivation(stateToken: string, factorId: string, context: RequestContext | null): Promise<AuthnView> {
    const { flow, user } = await this.load(stateToken);
    if (flow.state !== 'MFA_ENROLL_ACTIVATE' || flow.factorId !== factorId || !flow.resendable) {
      throw notAllowed('resend is not allowed in the current state');
    }
    const factor = await this.ownFactor(user, factorId);
    await this.strategyOf(factor).resendActivation(user, factor, context);
    return this.apply(flow, user, stateToken, { type: 'touch' }, context);
  }

  /** `POST /api/v1/authn/credentials/change_password {oldPassword, newPassword}` in PASSWORD_EXPIRED or PASSWORD_WARN. */
  async changePassword(
    stateToken: string,
    input: { oldPassword: string; newPassword: string },
    context: RequestContext | null,
  ): Promise<AuthnView> {
    const { flow, user } = await this.load(stateToken);
    if (flow.state !== 'PASSWORD_EXPIRED' && flow.state !== 'PASSWORD_WARN') throw notAllowed(`changePassword is not allowed in ${flow.state}`);
    if (!(await this.o.passwords.verifyCurrent(user, input.oldPassword))) {
      throw new AuthError('credentials_update_failed', 'Update of credentials failed', {
        causes: [{ summary: 'oldPassword: The credentials provided were incorrect.' }],
      });
    }
    const causes = checkPassword(input.newPassword, user.profile.login);
    if (input.newPassword === input.oldPassword) {
      causes.push({ summary: 'password: Password cannot be your current password', location: 'newPassword' });
    }
    if (causes.length > 0) {
      throw new AuthError('password_complexity', 'Password requirements were not met', {
        causes: causes.map((c) => ({ summary: c.summary.replace(/^password:/, 'newPassword:') })),
      });
    }
    const now = this.o.clock.now();
    await this.o.identity.changePassword(user.id, await this.o.hasher.hash(input.newPassword), now);
    // A changed password ends every other session of the user.
    await this.o.sessionStore.deleteSessionsForUser(user.id);
    await this.record('user.account.update_password', 'User update password for Okta', 'SUCCESS', user, context);
    const sessionToken = this.newSessionToken();
    const fresh = (await this.o.identity.findUserById(user.id)) ?? user;
    return this.apply(flow, fresh, stateToken, { type: 'password_changed', sessionTokenHash: sha256Hex(sessionToken) }, context, sessionToken);
  }

  /**
   * `POST /api/v1/sessions {sessionToken}`: redeems the single-use sessionToken (once, before it
   * expires) for an ACTIVE session carrying the transaction's amr.
   */
  async exchangeSessionToken(sessionToken: string, context: RequestContext | null): Promise<{ started: StartedSession; user: User }> {
    const refused = () =>
      new AuthError('authentication_failed', 'Authentication failed', { causes: [{ summary: 'Invalid session token' }] });
    if (!SESSION_TOKEN.test(sessionToken)) throw refused();
    const flow = await this.o.store.consumeSessionToken(sha256Hex(sessionToken), this.o.clock.now());
    if (flow === null || flow.state !== 'SUCCESS') throw refused();
    const user = await this.o.identity.findUserById(flow.userId);
    if (user === null || user.status !== 'ACTIVE') throw refused();
    const verifiedAt = new Date(flow.sessionTokenExpiresAt.getTime() - flow.policy.sessionTokenSeconds * 1000);
    const started = await this.o.sessions.start(
      user,
      'ACTIVE',
      flow.amr,
      flow.amr.includes('mfa') ? { factorVerifiedAt: verifiedAt } : {},
    );
    await this.record('user.session.start', 'User login to Okta', 'SUCCESS', user, context);
    return { started, user };
  }

  // ---- internals ----

  private newSessionToken(): string {
    return '20111' + randomBase62(this.o.random, 50);
  }

  private async challenge(
    flow: AuthnFlow,
    user: User,
    stateToken: string,
    factor: Factor,
    strategy: FactorStrategy,
    context: RequestContext | null,
  ): Promise<AuthnView> {
    const outcome = await strategy.challenge(user, factor, context);
    await this.record('user.authentication.auth_via_mfa', 'Authentication of user via MFA', 'CHALLENGE', user, context, factor);
    return this.apply(
      flow,
      user,
      stateToken,
      {
        type: 'challenged',
        factorId: factor.id,
        challenge: outcome.kind,
        pushTransactionId: outcome.kind === 'waiting' ? outcome.transactionId : null,
      },
      context,
    );
  }

  /** Loads a live, non-terminal flow by its stateToken; invalid_token (401 E0000011) otherwise. */
  private async load(stateToken: string): Promise<{ flow: AuthnFlow; user: User }> {
    if (!STATE_TOKEN.test(stateToken)) throw invalidToken();
    const flow = await this.o.store.findByStateToken(sha256Hex(stateToken));
    if (flow === null || flow.state === 'SUCCESS' || flow.expiresAt.getTime() <= this.o.clock.now().getTime()) throw invalidToken();
    const user = await this.o.identity.findUserById(flow.userId);
    if (user === null || (user.status !== 'ACTIVE' && user.status !== 'PASSWORD_EXPIRED')) throw invalidToken();
    return { flow, user };
  }

  /** Runs the pure transition, stores the result (compare-and-set), and builds the answer. */
  private async apply(
    flow: AuthnFlow,
    user: User,
    stateToken: string,
    input: AuthnInput,
    context: RequestContext | null,
    sessionToken: string | null = null,
    verified: Factor | null = null,
  ): Promise<AuthnView> {
    let step: AuthnStep;
    try {
      step = authnTransition(flow, input, this.o.clock.now());
    } catch (error) {
      if (error instanceof AuthnTransitionRefused) throw notAllowed(error.message);
      throw error;
    }
    if (!(await this.o.store.updateTransaction(step.flow, flow.version))) {
      throw notAllowed('The transaction was changed by another request');
    }
    for (const effect of step.effects) {
      if (effect.type === 'mfa_verified') {
        await this.record('user.authentication.auth_via_mfa', 'Authentication of user via MFA', 'SUCCESS', user, context, verified);
      }
    }
    return this.finish(step, user, stateToken, sessionToken, context);
  }

  private async finish(
    step: AuthnStep,
    user: User,
    stateToken: string,
    sessionToken: string | null,
    context: RequestContext | null,
  ): Promise<AuthnView> {
    const flow = step.flow;
    const issued = step.effects.some((e) => e.type === 'session_token_issued');
    if (issued) await this.record('user.authentication.session_token.issue', 'sessionToken issued', 'SUCCESS', user, context);
    const view: AuthnView = {
      flow,
      stateToken: flow.state === 'SUCCESS' ? null : stateToken,
      sessionToken: issued ? sessionToken : null,
      user,
      factors: [],
      enrollOptions: [],
      factor: null,
      activation: null,
      passwordExpireDays: null,
    };
    switch (flow.state) {
      case 'MFA_REQUIRED':
        view.factors = await this.activeFactors(user);
        break;
      case 'MFA_ENROLL':
        view.enrollOptions = await this.enrollOptions(user, flow);
        break;
      case 'MFA_CHALLENGE':
      case 'MFA_ENROLL_ACTIVATE':
        view.factor = await this.o.factors.findFactor(flow.factorId);
        break;
      case 'PASSWORD_WARN':
        if (flow.policy.passwordExpiresAt !== null) {
          const left = flow.policy.passwordExpiresAt.getTime() - this.o.clock.now().getTime();
          view.passwordExpireDays = Math.max(0, Math.ceil(left / DAY_MS));
        }
        break;
      default:
        break;
    }
    return view;
  }

  private policyFor(user: User, now: Date): AuthnPolicy {
    const s = this.o.settings;
    let password: PasswordStanding = user.status === 'PASSWORD_EXPIRED' ? 'EXPIRED' : 'VALID';
    let passwordExpiresAt: Date | null = null;
    if (s.passwordMaxAgeDays > 0 && user.passwordChanged !== null) {
      passwordExpiresAt = new Date(user.passwordChanged.getTime() + s.passwordMaxAgeDays * DAY_MS);
      if (passwordExpiresAt.getTime() <= now.getTime()) password = 'EXPIRED';
      else if (password === 'VALID' && passwordExpiresAt.getTime() - now.getTime() <= s.passwordExpireWarnDays * DAY_MS) password = 'WARN';
    }
    return {
      mfaRequired: s.mfaRequired,
      password,
      passwordExpiresAt,
      idleSeconds: s.transactionIdleSeconds,
      sessionTokenSeconds: s.sessionTokenSeconds,
    };
  }

  /** The user's ACTIVE factors that a strategy in the table can verify. */
  private async activeFactors(user: User): Promise<Factor[]> {
    return (await this.o.factors.listFactors(user.id)).filter((f) => f.status === 'ACTIVE' && this.o.strategies.has(f.factorType));
  }

  private async enrollOptions(user: User, flow: AuthnFlow): Promise<EnrollOption[]> {
    const factors = await this.o.factors.listFactors(user.id);
    const enrollment = canSkipEnroll(flow) ? 'OPTIONAL' : 'REQUIRED';
    const options: EnrollOption[] = [];
    for (const strategy of this.o.strategies.values()) {
      for (const provider of strategy.providers) {
        const active = factors.some((f) => f.factorType === strategy.factorType && f.provider === provider && f.status === 'ACTIVE');
        options.push({ factorType: strategy.factorType, provider, status: active ? 'ACTIVE' : 'NOT_SETUP', enrollment });
      }
    }
    return options;
  }

  private async ownFactor(user: User, factorId: string): Promise<Factor> {
    const factor = await this.o.factors.findFactor(factorId);
    if (factor === null || factor.userId !== user.id) throw factorNotFound(factorId);
    return factor;
  }

  private async activeFactor(user: User, factorId: string): Promise<Factor> {
    const factor = await this.ownFactor(user, factorId);
    if (factor.status !== 'ACTIVE') throw notAllowed('The factor is not active');
    return factor;
  }

  private strategyOf(factor: Factor): FactorStrategy {
    const strategy = this.o.strategies.get(factor.factorType);
    if (strategy === undefined) throw notAllowed('This factor cannot be used here');
    return strategy;
  }

  private async record(
    eventType: string,
    displayMessage: string,
    result: 'SUCCESS' | 'FAILURE' | 'CHALLENGE',
    user: User,
    context: RequestContext | null,
    factor: Factor | null = null,
    reason: string | null = null,
  ): Promise<void> {
    await this.o.events.record(
      {
        eventType,
        severity: result === 'FAILURE' ? 'WARN' : 'INFO',
        displayMessage,
        outcome: { result, reason },
        actor: actorOf(user),
        target: [
          { id: user.id, type: 'User', alternateId: user.profile.login, displayName: actorOf(user).displayName },
          ...(factor === null ? [] : [{ id: factor.id, type: 'Factor', alternateId: factor.factorType, displayName: factor.provider }]),
        ],
      },
      context,
    );
  }
}
