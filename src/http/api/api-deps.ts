import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { IdentityProvider } from '../../core/provider/identity-provider.js';
import type { Random } from '../../core/random.js';
import type { RateLimiter } from '../../core/ratelimit/rate-limiter.js';
import type { SsoService } from '../../core/sso/sso-service.js';
import type { OktaWireContext } from '../wire/okta-objects.js';

/** What the seed API surface needs; main.ts builds it. */
export interface ApiDeps {
  /** Users, factors and sessions: the embedded engine or an Okta org (IDENTITY_PROVIDER). */
  provider: IdentityProvider;
  sso: SsoService;
  limiter: RateLimiter;
  clock: Clock;
  random: Random;
  logger: Logger;
  wire: OktaWireContext;
  /** Answer 200 to errors, for clients of the original that read only the body. */
  errorsAs200: boolean;
  apiRequestsPerIpPerMinute: number;
}
