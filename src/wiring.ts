import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { loadOrCreateSecrets } from './config/secrets.js';
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
import { EmailFactorStrategy } from './core/factors/email-factor-strategy.js';
import type { FactorType } from './core/factors/factor.js';
import type { FactorStrategy } from './core/factors/factor-strategy.js';
import type { Stores } from './core/stores.js';
import { Argon2PasswordHasher } from './crypto/argon2-password-hasher.js';
import { DevMailboxMailer } from './delivery/dev-mailbox-mailer.js';
import { RetryingMailer } from './delivery/retrying-mailer.js';
import { SmtpMailer } from './delivery/smtp-mailer.js';
import { buildApp } from './http/app.js';
import { oktaWireContext } from './http/wire/okta-objects.js';
import { MemoryEventStore } from './storage/memory/memory-event-store.js';
import { MemoryRateLimiter } from './storage/memory/memory-rate-limiter.js';
import { createRedis } from './storage/redis/redis-client.js';
import { RedisRateLimiter } from './storage/redis/redis-rate-limiter.js';
import { openDatabase, type SqlDatabase } from './storage/sql/database.js';
import { createSqlStores } from './storage/sql/sql-stores.js';

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
      overrides.hasher ?? new Argon2PasswordHasher({ memoryCost: config.argon2.memoryCost, timeCost: config.argon2.timeCost, random });
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
    const registration = new Registration({
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
    const sso = new SsoService({
      grants: stores.grants,
      identity: stores.identity,
      sessions,
      clock,
      random,
      logger,
      secret: new Uint8Array(Buffer.from(jwtSecret, 'utf8')),
      issuer: config.ssoIssuer,
      grantLifetimeSeconds: config.grantLifetimeSeconds,
      tokenLifetimeSeconds: config.ssoTokenLifetimeSeconds,
    });

    // TODO(issue 3): a SQL-backed System Log store.
    const eventStore = new MemoryEventStore();
    const events = new AuditLog({ store: eventStore, clock, random, logger });
    const strategies = new Map<FactorType, FactorStrategy>([
      ['email', new EmailFactorStrategy({ factors: stores.factors, otps, sender, clock, random })],
    ]);

    const app = await buildApp({
      logger,
      random,
      publicUrl: config.publicUrl,
      bodyLimitBytes: config.bodyLimitBytes,
      trustProxy: config.trustProxy,
      version: VERSION,
      api: {
        registration,
        login,
        mfa,
        sessions,
        sso,
        identity: stores.identity,
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
      },
      devMailbox: config.devMailbox && overrides.mailer === undefined ? { mailbox: stores.mailbox } : null,
      ready: async () => {
        await stores.identity.findUserById('00u-readiness-probe');
      },
    });

    return {
      app,
      stores,
      database,
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
