import type { ApiTokenService } from '../../core/apitokens/api-token-service.js';
import type { RequestContext } from '../../core/audit/audit-event.js';
import type { Clock } from '../../core/clock.js';
import type { MfaChallenge } from '../../core/flows/mfa-challenge.js';
import type { PasswordLogin } from '../../core/flows/password-login.js';
import type { Logger } from '../../core/logger.js';
import type { AuthorizationServer } from '../../core/oidc/authorization-server.js';
import type { AuthorizeService } from '../../core/oidc/authorize-service.js';
import type { ClientService } from '../../core/oidc/client-service.js';
import type { KeyRing } from '../../core/oidc/key-ring.js';
import type { TokenMinter } from '../../core/oidc/token-minter.js';
import type { TokenService } from '../../core/oidc/token-service.js';
import type { Random } from '../../core/random.js';
import type { SessionService } from '../../core/session/session-service.js';

/** What the OpenID Connect surface needs; wiring.ts builds it. */
export interface OidcDeps {
  publicUrl: string;
  /** The org server first, then custom servers (`default`). */
  servers: AuthorizationServer[];
  keys: KeyRing;
  clients: ClientService;
  tokens: TokenService;
  authorize: AuthorizeService;
  minter: TokenMinter;
  sessions: SessionService;
  login: PasswordLogin;
  mfa: MfaChallenge;
  /** For the SSWS-protected client registration API. */
  apiTokens: ApiTokenService;
  clock: Clock;
  random: Random;
  logger: Logger;
  /**
   * Exchanges an Okta sessionToken (from /api/v1/authn) for a new session, once; resolves to the
   * session id (the sid cookie value); rejects for an unknown, used or expired token.
   */
  exchangeSessionToken?: (sessionToken: string, context: RequestContext) => Promise<string>;
  /** Trusted origins: browser code there may call discovery, /keys, /token, /introspect, /revoke, /userinfo. */
  corsOrigins: string[];
  /** Cache-Control max-age of /keys. */
  keysMaxAgeSeconds: number;
}
