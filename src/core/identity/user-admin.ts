import type { AuditActor, AuditOutcome, RequestContext } from '../audit/audit-event.js';
import type { EventLog } from '../audit/event-log.js';
import type { Clock } from '../clock.js';
import { AuthError, ConflictError } from '../errors.js';
import type { FactorStore } from '../factors/factor-store.js';
import { oktaId, type Random } from '../random.js';
import type { SessionStore } from '../session/session-store.js';
import type { IdentityStore } from './identity-store.js';
import type { PasswordHasher } from './password-hasher.js';
import { checkPassword, defaultPasswordPolicy, type PasswordPolicy } from './password-policy.js';
import type { User, UserProfile, UserStatus } from './user.js';
import type { UserListQuery } from './user-query.js';

export interface UserAdminOptions {
  identity: IdentityStore;
  factors: FactorStore;
  sessions: SessionStore;
  hasher: PasswordHasher;
  events: EventLog;
  clock: Clock;
  random: Random;
  passwordPolicy?: PasswordPolicy;
}

/** Who asks (an API token, as a System Log actor) and from where. */
export interface AdminCaller {
  actor: AuditActor;
  context: RequestContext | null;
}

export interface CreateUserInput {
  profile: UserProfile;
  password?: string;
  activate: boolean;
}

const notFound = (id: string) => new AuthError('not_found', `Not found: Resource not found: ${id} (User)`, { resource: 'User' });

const duplicateLogin = (cause: unknown) =>
  new AuthError('duplicate_login', 'Api validation failed: login', {
    causes: [{ summary: 'login: An object with this field already exists in the current organization' }],
    cause,
  });

const notAllowed = (what: string) =>
  new AuthError('user_status_not_allowed', "This operation is not allowed in the user's current status.", {
    causes: [{ summary: what }],
  });

/**
 * The Users API (/api/v1/users) as domain operations: create with Okta's status rules, read,
 * list, profile updates and the lifecycle (activate, deactivate, unlock, expire_password,
 * reset_factors, delete). Every change is recorded in the System Log with the caller as actor.
 */
export class UserAdmin {
  constructor(private readonly o: UserAdminOptions) {}

  /**
   * activate=false → STAGED; activate with a password → ACTIVE; activate without one →
   * PROVISIONED (Okta would mail an activation link; Latchkey sends none, see the Users docs).
   */
  async create(input: CreateUserInput, by: AdminCaller): Promise<User> {
    let passwordHash: string | null = null;
    if (input.password !== undefined) {
      this.checkPolicy(input.password, input.profile.login);
      passwordHash = await this.o.hasher.hash(input.password);
    }
    const status: UserStatus = !input.activate ? 'STAGED' : passwordHash !== null ? 'ACTIVE' : 'PROVISIONED';
    let user: User;
    try {
      user = await this.o.identity.createUser({
        id: oktaId(this.o.random, '00u'),
        status,
        profile: input.profile,
        passwordHash,
        now: this.o.clock.now(),
      });
    } catch (error) {
      if (error instanceof ConflictError && error.constraint === 'login') throw duplicateLogin(error);
      throw error;
    }
    await this.record('user.lifecycle.create', `Create okta user`, user, by);
    if (status !== 'STAGED') await this.record('user.lifecycle.activate', 'Activate Okta user', user, by);
    return user;
  }

  /** By id, else by login (case-insensitive). */
  async get(idOrLogin: string): Promise<User> {
    const user = (await this.o.identity.findUserById(idOrLogin)) ?? (await this.o.identity.findUserByLogin(idOrLogin));
    if (user === null) throw notFound(idOrLogin);
    return user;
  }

  list(query: UserListQuery): Promise<User[]> {
    return this.o.identity.listUsers(query);
  }

  /**
   * Partial (POST: the given profile attributes win) or full (PUT: the profile is replaced) update;
   * a password in the body is set as an admin would, after the policy check.
   */
  async update(id: string, change: { profile?: Partial<UserProfile>; password?: string; replace: boolean }, by: AdminCaller): Promise<User> {
    const user = await this.get(id);
    const now = this.o.clock.now();
    if (change.password !== undefined) {
      const login = change.profile?.login ?? user.profile.login;
      this.checkPolicy(change.password, login);
      await this.o.identity.changePassword(user.id, await this.o.hasher.hash(change.password), now);
      await this.record('user.account.update_password', 'User update password for Okta', user, by);
    }
    let updated: User | null = user;
    if (change.profile !== undefined) {
      const profile = (change.replace ? change.profile : { ...user.profile, ...change.profile }) as UserProfile;
      try {
        updated = await this.o.identity.updateProfile(user.id, profile, now);
      } catch (error) {
        if (error instanceof ConflictError && error.constraint === 'login') throw duplicateLogin(error);
        throw error;
      }
      if (updated === null) throw notFound(id);
      await this.record('user.account.update_profile', 'Update user profile for Okta', updated, by);
    }
    return this.get(user.id);
  }

  /** STAGED or DEPROVISIONED → ACTIVE (with a password) or PROVISIONED (without). */
  async activate(id: string, by: AdminCaller): Promise<User> {
    const user = await this.get(id);
    if (user.status === 'ACTIVE') {
      throw new AuthError('user_already_active', 'Activation failed because the user is already active', {
        causes: [{ summary: 'Activation failed because the user is already active' }],
      });
    }
    const to: UserStatus = user.passwordHash !== null ? 'ACTIVE' : 'PROVISIONED';
    if (!(await this.o.identity.transitionUserStatus(user.id, ['STAGED', 'DEPROVISIONED'], to, this.o.clock.now(), { stampActivated: to === 'ACTIVE' }))) {
      throw notAllowed(`activate: not allowed for a user in status ${user.status}`);
    }
    await this.record('user.lifecycle.activate', 'Activate Okta user', user, by);
    return this.get(user.id);
  }

  /** Any status but DEPROVISIONED → DEPROVISIONED; the user's sessions end at once. */
  async deactivate(id: string, by: AdminCaller): Promise<User> {
    const user = await this.get(id);
    const from = ALL_STATUSES.filter((s) => s !== 'DEPROVISIONED');
    if (!(await this.o.identity.transitionUserStatus(user.id, from, 'DEPROVISIONED', this.o.clock.now()))) {
      throw notAllowed('deactivate: the user is already deactivated');
    }
    await this.o.sessions.deleteSessionsForUser(user.id);
    await this.record('user.lifecycle.deactivate', 'Deactivate Okta user', user, by);
    return this.get(user.id);
  }

  /** LOCKED_OUT → ACTIVE with the failure counter reset. */
  async unlock(id: string, by: AdminCaller): Promise<User> {
    const user = await this.get(id);
    if (!(await this.o.identity.unlockUser(user.id, this.o.clock.now()))) {
      throw notAllowed(`unlock: the user is not locked out (status ${user.status})`);
    }
    await this.record('user.account.unlock_by_admin', 'Unlock user account by admin', user, by);
    return this.get(user.id);
  }

  /** ACTIVE (or already PASSWORD_EXPIRED) → PASSWORD_EXPIRED: the next sign-in must change the password. */
  async expirePassword(id: string, by: AdminCaller): Promise<User> {
    const user = await this.get(id);
    if (user.passwordHash === null) throw notAllowed('expire_password: the user has no password');
    if (user.status !== 'PASSWORD_EXPIRED') {
      if (!(await this.o.identity.transitionUserStatus(user.id, ['ACTIVE'], 'PASSWORD_EXPIRED', this.o.clock.now()))) {
        throw notAllowed(`expire_password: not allowed for a user in status ${user.status}`);
      }
    }
    await this.record('user.password.expire', 'Expire user password', user, by);
    return this.get(user.id);
  }

  /** Deletes every enrolled factor and ends the user's sessions (a factor reset must not leave old sessions). */
  async resetFactors(id: string, by: AdminCaller): Promise<void> {
    const user = await this.get(id);
    for (const factor of await this.o.factors.listFactors(user.id)) await this.o.factors.deleteFactor(factor.id);
    await this.o.sessions.deleteSessionsForUser(user.id);
    await this.record('user.mfa.factor.reset_all', 'Reset all factors for user', user, by);
  }

  /** As Okta: the first DELETE of a user that is not DEPROVISIONED deactivates it; the next one deletes. */
  async delete(id: string, by: AdminCaller): Promise<'deactivated' | 'deleted'> {
    const user = await this.get(id);
    if (user.status !== 'DEPROVISIONED') {
      await this.deactivate(user.id, by);
      return 'deactivated';
    }
    if (!(await this.o.identity.deleteUser(user.id))) throw notFound(id);
    await this.record('user.lifecycle.delete.completed', 'Delete Okta user completed', user, by);
    return 'deleted';
  }

  private checkPolicy(password: string, login: string): void {
    const causes = checkPassword(password, login, this.o.passwordPolicy ?? defaultPasswordPolicy);
    if (causes.length > 0) throw new AuthError('password_policy', 'Api validation failed: password', { causes });
  }

  private record(eventType: string, displayMessage: string, user: User, by: AdminCaller, result: AuditOutcome = 'SUCCESS'): Promise<void> {
    return this.o.events.record(
      {
        eventType,
        severity: 'INFO',
        displayMessage,
        outcome: { result, reason: null },
        actor: by.actor,
        target: [
          {
            id: user.id,
            type: 'User',
            alternateId: user.profile.login,
            displayName: `${user.profile.firstName} ${user.profile.lastName}`.trim(),
          },
        ],
      },
      by.context,
    );
  }
}

const ALL_STATUSES: readonly UserStatus[] = [
  'STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED',
];
