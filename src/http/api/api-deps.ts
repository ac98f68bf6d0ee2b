import type { EventLog } from '../../core/audit/event-log.js';
import type { Clock } from '../../core/clock.js';
import type { MfaChallenge } from '../../core/flows/mfa-challenge.js';
import type { PasswordLogin } from '../../core/flows/password-login.js';
import type { Registration } from '../../core/flows/registration.js';
import type { IdentityStore } from '../../core/identity/identity-store.js';
import type { Logger } from '../../core/logger.js';
import type { Random } from '../../core/random.js';
import type { RateLimiter } from '../../core/ratelimit/rate-limiter.js';
import type { SessionService } from '../../core/session/session-service.js';
import type { SsoService } from '../../core/sso/sso-service.js';
import type { OktaWireContext } from '../wire/okta-objects.js';

/** What the seed API surface needs; main.ts builds it. */
export interface ApiDeps {
  registration: Registration;
  login: PasswordLogin;
  mfa: MfaChallenge;
  sessions: SessionService;
  sso: SsoService;
  identity: IdentityStore;
  limiter: RateLimiter;
  clock: Clock;
  random: Random;
  logger: Logger;
  wire: OktaWireContext;
  /** Answer 200 to errors, for clients of the original that read only the body. */
  errorsAs200: boolean;
  apiRequestsPerIpPerMinute: number;
  /** System Log (session end is recorded by the logout route). */
  events?: EventLog;
}
