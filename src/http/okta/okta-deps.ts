import type { EventLog, EventStore } from '../../core/audit/event-log.js';
import type { Clock } from '../../core/clock.js';
import type { FactorStrategies } from '../../core/factors/factor-strategy.js';
import type { PasswordHasher } from '../../core/identity/password-hasher.js';
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
}
