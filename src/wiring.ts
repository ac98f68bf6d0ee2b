import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { loadOrAddSecret, loadOrCreateSecrets } from './config/secrets.js';
import { systemClock, type Clock } from './core/clock.js';
import { MfaChallenge } from './core/flows/mfa-challenge.js';
import { PasswordLogin } from './core/flows/password-login.js';
import { Registration } from './core/flows/registration.js';
import type { PasswordHasher } from './core/identity/password-hasher.js';
import type { Mailer } from './core/mail/mail-message.js';
import { OtpSender } from './core/otp/otp-sender.js';
import { otpKeyRing, OtpService } from './core/otp/otp-service.js';
import { cryptoRandom, type Random } from './core/random.js';
import type { RateLimiter } from './core/ratelimit/rate-limiter.js';
import { SessionService } from './core/session/session-service.js';
import { SsoService } from './core/sso/sso-service.js';
import { AuditLog } from './core/audit/audit-log.js';
import { ApiTokenService } from './core/apitokens/api-token-service.js';
import { UserAdmin } from './core/identity/user-admin.js';
import { EmailFactorStrategy } from './core/factors/email-factor-strategy.js';
import { PushApprovals } from './core/factors/push-approvals.js';
import { PushFactorStrategy } from './core/factors/push-factor-strategy.js';
import { QrTickets } from './core/factors/qr-tickets.js';
import { SecretCipher } from './core/factors/secret-cipher.js';
import { TotpFactorStrategy } from './core/factors/totp-factor-strategy.js';
import type { FactorType } from './core/factors/factor.js';
import type { FactorStrategy } from './core/factors/factor-strategy.js';
import type { Stores } from './core/stores.js';
import { Argon2PasswordHasher } from './crypto/argon2-password-hasher.js';
import { DevMailboxMailer } from './delivery/dev-mailbox-mailer.js';
import { RetryingMailer } from './delivery/retrying-mailer.js';
import { SmtpMailer } from './delivery/smtp-mailer.js';
import { buildApp } from './http/app.js';
import { oktaWireContext } from './http/wire/okta-objects.js';
import { MemoryRateLimiter } from './storage/memory/memory-rate-limiter.js';
import { createRedis } from './storage/redis/redis-client.js';
import { RedisRateLimiter } from './storage/redis/redis-rate-limiter.js';
import { openDatabase, type SqlDatabase } from './storage/sql/database.js';
import { createSqlStores } from './storage/sql/sql-stores.js';

import { AuthorizeService } from './core/oidc/authorize-service.js';
import { customAuthorizationServer, orgAuthorizationServer, orgId } from './core/oidc/authorization-server.js';
import { ClientService } from './core/oidc/client-service.js';
import { KeyCipher } from './core/oidc/key-cipher.js';
import { KeyRing } from './core/oidc/key-ring.js';
import { TokenMinter } from './core/oidc/token-minter.js';
import { TokenService } from './core/oidc/token-service.js';
import type { OidcDeps } from './http/oidc/oidc-deps.js';
import { createSqlOidcStores } from './storage/sql/sql-oidc-stores.js';
import { AuthnService } from './core/flows/authn/authn-service.js';
import { PasswordCheck } from './core/flows/password-check.js';
import { EmbeddedIdentityProvider } from './core/provider/embedded-identity-provider.js';
import type { IdentityProvider } from './core/provider/identity-provider.js';
import type { GrantStore } from './core/sso/grant-store.js';
import { OktaClient } from './providers/okta/okta-client.js';
import { OktaIdentityProvider } from './providers/okta/okta-identity-provider.js';
import { createSqlOktaGrantStore, createSqlUpstreamSessionStore, ensureOktaModeSchema } from './storage/sql/okta/sql-okta-mode-stores.js';
/** What tests (and benchmarks) may replace; production uses the defaults. */
export interface Overrides {
  clock?: Clock;
  random?: Random;
  hasher?: PasswordHasher;
  mailer?: Mailer;
  /** PostgreSQL schema to isolate a test run. */
  databaseSchema?: string;
  /** Prefix for Redis keys, to isolate a test run. */
  redisPrefix?: string;
  sleep?: (ms: number) => Promise<void>;
}

export interface Latchkey {
  app: FastifyInstance;
  stores: Stores;
  database: SqlDatabase;
  /** The OIDC provider's key ring and client registry (CLI, tests). */
  oidc: { keys: KeyRing; clients: ClientService };
  close(): Promise<void>;
}

export const VERSION = '0.1.0';

/** The composition root: config → stores → services → HTTP. Nothing else constructs services. */
export async function createLatchkey(config: Config, logger: FastifyBaseLogger, overrides: Overrides = {}): Promise<Latchkey> {
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? cryptoRandom;
  const closers: (() => Promise<void> | void)[] = [];

  let jwtSecret = config.jwtSecret;
  let otpSecrets = config.otpSecrets;
  if (jwtSecret === undefined || otpSecrets === undefined) {
    const { secrets, created, path } = loadOrCreateSecrets(config.dataDir);
    if (created) logger.warn({ path }, 'JWT_SECRET/OTP_SECRET not set: generated secrets and stored them (mode 0600)');
    else logger.warn({ path }, 'JWT_SECRET/OTP_SECRET not set: using the generated secrets stored in the data folder');
    jwtSecret ??= secrets.jwtSecret;
    otpSecrets ??= [secrets.otpSecret];
  }

  const database = await openDatabase(config.databaseUrl, overrides.databaseSchema ? { schema: overrides.databaseSchema } : {});
  closers.push(() => database.close());
  try {
    await database.migrate();
    const stores = createSqlStores(database);

    let limiter: RateLimiter;
    if (config.redisUrl !== undefined) {
      const redis = createRedis(config.redisUrl);
      // Without a listener ioredis reports every reconnect failure as an unhandled error event.
      redis.on('error', (error: unknown) => logger.warn({ err: error }, 'redis connection error'));
      closers.push(async () => {
        await redis.quit().catch(() => redis.disconnect());
      });
      limiter = new RedisRateLimiter({ redis, prefix: overrides.redisPrefix ?? 'latchkey:rl:' });
    } else {
      limiter = new MemoryRateLimiter();
    }

    let inner: Mailer;
    if (overrides.mailer !== undefined) inner = overrides.mailer;
    else if (config.smtpUrl !== undefined) {
      const smtp = new SmtpMailer({ url: config.smtpUrl, from: config.mailFrom });
      closers.push(() => smtp.close());
      inner = smtp;
    } else {
      inner = new DevMailboxMailer({ mailbox: stores.mailbox, logger, clock, random });
    }
    const mailer = new RetryingMailer({ inner, logger, ...(overrides.sleep ? { sleep: overrides.sleep } : {}) });

    const hasher =
      overrides.hasher ?? new Argon2PasswordHasher({
        memoryCost: config.argon2.memoryCost,
        timeCost: config.argon2.timeCost,
        maxConcurrent: config.argon2.maxConcurrent,
        random,
      });
    const otps = new OtpService({
      store: stores.otps,
      clock,
      random,
      keys: otpKeyRing(otpSecrets),
      lifetimeSeconds: config.otp.lifetimeSeconds,
      maxAttempts: config.otp.maxAttempts,
    });
    const sender = new OtpSender({
      otps,
      mailer,
      limiter,
      clock,
      logger,
      productName: config.productName,
      resendIntervalSeconds: config.otp.resendIntervalSeconds,
      sendsPerHour: config.otp.sendsPerHour,
    });
    const sessions = new SessionService({
      store: stores.sessions,
      clock,
      random,
      idleSeconds: config.session.idleSeconds,
      maxSeconds: config.session.maxSeconds,
    });
    // issue 3: the System Log, recorded by the sign-in flows below and read at /api/v1/logs.
    const eventStore = stores.events;
    const events = new AuditLog({ store: eventStore, clock, random, logger });
    const registration = new Registration({
      events,
      identity: stores.identity,
      factors: stores.factors,
      hasher,
      otps,
      sender,
      clock,
      random,
      logger,
      limiter,
      verifyPerAccountPerMinute: config.rateLimits.otpVerifyPerAccount,
    });
    const login = new PasswordLogin({
      events,
      identity: stores.identity,
      factors: stores.factors,
      hasher,
      sessions,
      limiter,
      clock,
      logger,
      lockout: config.lockout,
      limits: { perIp: config.rateLimits.loginPerIp, perAccount: config.rateLimits.loginPerAccount },
    });
    const mfa = new MfaChallenge({
      events,
      identity: stores.identity,
      factors: stores.factors,
      otps,
      sender,
      sessions,
      limiter,
      clock,
      logger,
      verifyPerAccountPerMinute: config.rateLimits.otpVerifyPerAccount,
    });
    // --- issue 5: the identity provider behind /api/* (embedded engine or an Okta org) ---
    let provider: IdentityProvider;
    let grants: GrantStore = stores.grants;
    const idp = config.identityProvider;
    if (idp.kind === 'okta') {
      if (idp.insecure) logger.warn({ orgUrl: idp.orgUrl }, 'OKTA_ORG_URL is not https: the API token travels in clear');
      await ensureOktaModeSchema(database);
      grants = createSqlOktaGrantStore(database);
      provider = new OktaIdentityProvider({
        client: new OktaClient({
          orgUrl: idp.orgUrl,
          apiToken: idp.apiToken,
          timeoutMs: idp.timeoutMs,
          clock,
          logger,
          ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
          userAgent: `latchkey/${VERSION}`,
        }),
        store: createSqlUpstreamSessionStore(database),
        clock,
        logger,
      });
      logger.info({ orgUrl: idp.orgUrl }, 'okta mode: /api/* runs on the Okta org');
    } else {
      provider = new EmbeddedIdentityProvider({ registration, login, mfa, sessions, identity: stores.identity, logger, events });
    }
    // --- end issue 5 ---
    const sso = new SsoService({
      events,
      grants,
      identity: provider,
      clock,
      random,
      logger,
      secret: new Uint8Array(Buffer.from(jwtSecret, 'utf8')),
      issuer: config.ssoIssuer,
      grantLifetimeSeconds: config.grantLifetimeSeconds,
      tokenLifetimeSeconds: config.ssoTokenLifetimeSeconds,
    });

    // --- issue 3: management API tokens (SSWS) and the System Log (SQL-backed) ---
    const apiTokens = new ApiTokenService({ store: stores.apiTokens, clock, random });
    const users = new UserAdmin({
      identity: stores.identity,
      factors: stores.factors,
      sessions: stores.sessions,
      hasher,
      events,
      clock,
      random,
    });
    // --- end issue 3: API tokens and System Log ---
    // --- issue 3: TOTP and push factors (the authenticator side: approval pages, QR images) ---
    let factorSecretKeys = config.factors.secretKeys;
    if (factorSecretKeys === undefined) {
      const { secret, created, path } = loadOrAddSecret(config.dataDir, 'factorSecretKey');
      logger.warn({ path }, created ? 'FACTOR_SECRET_KEY not set: generated one and stored it (mode 0600)' : 'FACTOR_SECRET_KEY not set: using the generated key stored in the data folder');
      factorSecretKeys = [secret];
    }
    const factorCipher = new SecretCipher(factorSecretKeys, random);
    const qrTickets = new QrTickets({ cipher: factorCipher, clock, lifetimeSeconds: 600 });
    const totpStrategy = new TotpFactorStrategy({
      factors: stores.factors,
      cipher: factorCipher,
      limiter,
      clock,
      random,
      issuer: config.productName,
      qrCodeUrl: (uri) => `${config.publicUrl}/authenticator/qr?ticket=${qrTickets.issue(uri).ticket}`,
      maxAttempts: 5,
    });
    const pushStrategy = new PushFactorStrategy({
      factors: stores.factors,
      transactions: stores.pushTransactions,
      mailer,
      limiter,
      clock,
      random,
      logger,
      productName: config.productName,
      approvalPageUrl: (token) => `${config.publicUrl}/authenticator/push/${token}`,
      lifetimeSeconds: config.factors.pushLifetimeSeconds,
      sendsPerHour: config.otp.sendsPerHour,
    });
    const pushApprovals = new PushApprovals({ transactions: stores.pushTransactions, factors: stores.factors, clock, logger, events });
    // --- end issue 3: TOTP and push factors ---
    const strategies = new Map<FactorType, FactorStrategy>([
      ['email', new EmailFactorStrategy({ factors: stores.factors, otps, sender, clock, random })],
      ['token:software:totp', totpStrategy],
      ['push', pushStrategy],
    ]);

    // --- issue 3: Okta authn transactions (/api/v1/authn) and sessionTokens ---
    const authn = new AuthnService({
      store: stores.authn,
      identity: stores.identity,
      factors: stores.factors,
      strategies,
      passwords: new PasswordCheck({ identity: stores.identity, hasher, clock, logger, lockout: config.lockout }),
      hasher,
      sessions,
      sessionStore: stores.sessions,
      limiter,
      events,
      clock,
      random,
      logger,
      settings: {
        mfaRequired: config.authn.mfaRequired,
        showLockoutFailures: config.authn.showLockoutFailures,
        transactionIdleSeconds: config.authn.transactionIdleSeconds,
        transactionMaxSeconds: config.authn.transactionMaxSeconds,
        sessionTokenSeconds: config.authn.sessionTokenSeconds,
        passwordMaxAgeDays: config.authn.passwordMaxAgeDays,
        passwordExpireWarnDays: config.authn.passwordExpireWarnDays,
        perUsernamePerSecond: config.authn.perUsernamePerSecond,
        verifyPerUserPerMinute: config.rateLimits.otpVerifyPerAccount,
        promptForFactor: config.authnPromptForFactor,
      },
    });
    // --- end issue 3: authn transactions ---

    // --- issue 4: the OpenID Connect provider (org and `default` authorization servers) ---
    let oidcKeySecret = config.oidc.keyEncryptionKey;
    if (oidcKeySecret === undefined) {
      const { secret, created, path } = loadOrAddSecret(config.dataDir, 'oidcKeyEncryptionKey');
      logger.warn({ path }, created ? 'OIDC_KEY_ENCRYPTION_KEY not set: generated one and stored it (mode 0600)' : 'OIDC_KEY_ENCRYPTION_KEY not set: using the generated key stored in the data folder');
      oidcKeySecret = secret;
    }
    const oidcStores = createSqlOidcStores(database);
    const oidcKeys = new KeyRing({
      store: oidcStores.keys,
      cipher: new KeyCipher(oidcKeySecret, random),
      clock,
      random,
      logger,
      graceSeconds: config.oidc.keyGraceSeconds,
    });
    await oidcKeys.ensureKey();
    const oidcClients = new ClientService({ store: oidcStores.clients, clock, random, logger });
    const oidcMinter = new TokenMinter({
      keys: oidcKeys,
      grants: oidcStores.grants,
      clock,
      random,
      orgId: orgId(config.publicUrl),
      accessTokenSeconds: config.oidc.tokenLifetimeSeconds,
      idTokenSeconds: config.oidc.tokenLifetimeSeconds,
      refreshTokenSeconds: config.oidc.refreshTokenLifetimeSeconds,
      clockSkewSeconds: config.oidc.clockSkewSeconds,
    });
    const oidc: OidcDeps = {
      publicUrl: config.publicUrl,
      servers: [orgAuthorizationServer(config.publicUrl), customAuthorizationServer(config.publicUrl, 'default', config.oidc.customScopes)],
      keys: oidcKeys,
      clients: oidcClients,
      minter: oidcMinter,
      tokens: new TokenService({ clients: oidcClients, grants: oidcStores.grants, identity: stores.identity, minter: oidcMinter, clock, random, logger, events }),
      authorize: new AuthorizeService({
        clients: oidcClients,
        grants: oidcStores.grants,
        identity: stores.identity,
        minter: oidcMinter,
        clock,
        random,
        logger,
        codeLifetimeSeconds: config.oidc.codeLifetimeSeconds,
      }),
      sessions,
      login,
      mfa,
      apiTokens,
      exchangeSessionToken: async (sessionToken, context) => (await authn.exchangeSessionToken(sessionToken, context)).started.token,
      clock,
      random,
      logger,
      keysMaxAgeSeconds: 3600,
      corsOrigins: config.oidcCorsOrigins,
    };
    // --- end issue 4: OpenID Connect provider ---

    const app = await buildApp({
      logger,
      random,
      publicUrl: config.publicUrl,
      bodyLimitBytes: config.bodyLimitBytes,
      trustProxy: config.trustProxy,
      version: VERSION,
      api: {
        provider,
        sso,
        limiter,
        clock,
        random,
        logger,
        wire: oktaWireContext(config.publicUrl),
        errorsAs200: config.errorsAs200,
        apiRequestsPerIpPerMinute: config.rateLimits.apiPerIp,
      },
      okta: {
        clock,
        random,
        logger,
        wire: oktaWireContext(config.publicUrl),
        stores,
        hasher,
        sessions,
        limiter,
        strategies,
        events,
        eventStore,
        apiTokens,
        users,
        orgRateLimits: config.oktaRateLimits,
        pushFactor: pushStrategy,
        authn,
      },
      login: { wire: oktaWireContext(config.publicUrl), random, redirectOrigins: config.sessionCookieRedirectOrigins },
      oidc,
      authenticator: { approvals: pushApprovals, qrTickets, publicUrl: config.publicUrl, productName: config.productName, random },
      devMailbox: config.devMailbox && overrides.mailer === undefined ? { mailbox: stores.mailbox } : null,
      ready: async () => {
        await stores.identity.findUserById('00u-readiness-probe');
      },
    });

    return {
      app,
      stores,
      database,
      oidc: { keys: oidcKeys, clients: oidcClients },
      close: async () => {
        await app.close();
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close();
    throw error;
  }
}
