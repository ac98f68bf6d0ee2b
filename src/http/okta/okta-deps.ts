import type { AuthnService } from '../../core/flows/authn/authn-service.js';
import type { ApiTokenService } from '../../core/apitokens/api-token-service.js';
import type { EventLog, EventStore } from '../../core/audit/event-log.js';
import type { Clock } from '../../core/clock.js';
import type { FactorStrategies } from '../../core/factors/factor-strategy.js';
import type { PushFactorStrategy } from '../../core/factors/push-factor-strategy.js';
import type { PasswordHasher } from '../../core/identity/password-hasher.js';
import type { UserAdmin } from '../../core/identity/user-admin.js';
import type { Logger } from '../../core/logger.js';
import type { Random } from '../../core/random.js';
import type { RateLimiter } from '../../core/ratelimit/rate-limiter.js';
import type { SessionService } from '../../core/session/session-service.js';
import type { Stores } from '../../core/stores.js';
import type { OktaWireContext } from '../wire/okta-objects.js';

/**
 * What the Okta-compatible surface (/api/v1, /login) needs; main.ts (wiring.ts) builds it.
 * Route modules add the services they use here.
 */
export interface OktaDeps {
  clock: Clock;
  random: Random;
  logger: Logger;
  wire: OktaWireContext;
  stores: Stores;
  hasher: PasswordHasher;
  sessions: SessionService;
  limiter: RateLimiter;
  strategies: FactorStrategies;
  events: EventLog;
  eventStore: EventStore;
  /** Management API tokens: requireSsws (ssws-auth.ts) authenticates with it. */
  apiTokens: ApiTokenService;
  /** The Users API's domain operations. */
  users: UserAdmin;
  /** Okta's org-wide per-minute limits per route group (config OKTA_RATE_LIMIT_*). */
  orgRateLimits: { users: number; userById: number; management: number };
  /** The push factor, for Okta's transaction `cancel` (the rest goes through `strategies`). */
  pushFactor: PushFactorStrategy;
  /** Okta authn transactions (/api/v1/authn) and sessionToken redemption (/api/v1/sessions). */
  authn: AuthnService;
}
