import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Every setting Latchkey reads, as one TypeBox schema over the environment's string values.
 * Validation failures name the variable and the rule, and the process refuses to start.
 */
const Int = (options: { default: number; minimum: number; maximum?: number; description: string }) =>
  Type.Integer(options);

export const ConfigEnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
    description: 'production turns off the dev mailbox and requires explicit secrets',
  }),
  HOST: Type.String({ default: 'localhost', minLength: 1, description: 'interface to listen on' }),
  PORT: Int({ default: 3000, minimum: 0, maximum: 65535, description: 'TCP port' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/.*)?$', description: 'external base URL' })),
  DATA_DIR: Type.String({ default: './data', minLength: 1, description: 'folder for SQLite and generated secrets' }),
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^(sqlite:|file:|postgres(ql)?://)', description: 'sqlite:<path> or postgres://…' }),
  ),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'shared rate limits across instances' })),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://', description: 'unset: dev mailbox' })),
  MAIL_FROM: Type.String({ default: 'Latchkey <no-reply@latchkey.local>', minLength: 3 }),
  PRODUCT_NAME: Type.String({ default: 'Latchkey', minLength: 1 }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32, description: 'HS256 key for /api/sso tokens, 32+ bytes' })),
  OTP_SECRET: Type.Optional(
    Type.String({ minLength: 32, description: 'HMAC keys for stored OTPs, comma-separated, newest first' }),
  ),
  SSO_ISSUER: Type.Optional(Type.String({ minLength: 1, description: 'iss of /api/sso tokens; default PUBLIC_URL' })),
  SSO_TOKEN_LIFETIME_SECONDS: Int({ default: 36_000, minimum: 60, maximum: 7 * 86_400, description: 'seed: 10 h' }),
  GRANT_LIFETIME_SECONDS: Int({ default: 60, minimum: 5, maximum: 600, description: 'SSO grant code lifetime' }),
  OTP_LIFETIME_SECONDS: Int({ default: 300, minimum: 30, maximum: 86_400, description: 'email OTP lifetime' }),
  OTP_MAX_ATTEMPTS: Int({ default: 5, minimum: 1, maximum: 20, description: 'wrong tries before a code dies' }),
  OTP_RESEND_INTERVAL_SECONDS: Int({ default: 5, minimum: 0, maximum: 3600, description: 'min gap between sends' }),
  OTP_SENDS_PER_HOUR: Int({ default: 20, minimum: 1, maximum: 1000, description: 'hourly send cap per account' }),
  SESSION_IDLE_SECONDS: Int({ default: 7200, minimum: 60, maximum: 30 * 86_400, description: 'idle expiry' }),
  SESSION_MAX_SECONDS: Int({ default: 43_200, minimum: 60, maximum: 90 * 86_400, description: 'absolute expiry' }),
  LOCKOUT_THRESHOLD: Int({ default: 10, minimum: 1, maximum: 100, description: 'consecutive failures that lock' }),
  LOCKOUT_DURATION_SECONDS: Int({ default: 900, minimum: 0, maximum: 30 * 86_400, description: '0: never unlock' }),
  RATE_LIMIT_LOGIN_PER_IP: Int({ default: 100, minimum: 1, maximum: 1_000_000, description: 'per minute' }),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: Int({ default: 20, minimum: 1, maximum: 1_000_000, description: 'per minute' }),
  RATE_LIMIT_OTP_VERIFY_PER_ACCOUNT: Int({ default: 30, minimum: 1, maximum: 1_000_000, description: 'per minute' }),
  RATE_LIMIT_API_PER_IP: Int({ default: 1200, minimum: 1, maximum: 10_000_000, description: 'per minute, /api' }),
  ARGON2_MEMORY_KIB: Int({ default: 19_456, minimum: 19_456, maximum: 4_194_304, description: 'OWASP minimum' }),
  ARGON2_MAX_CONCURRENT: Int({ default: 3, minimum: 1, maximum: 64, description: 'hashes in flight; keep below UV_THREADPOOL_SIZE' }),
  ARGON2_TIME_COST: Int({ default: 2, minimum: 2, maximum: 20, description: 'OWASP minimum' }),
  BODY_LIMIT_BYTES: Int({ default: 65_536, minimum: 1024, maximum: 10_485_760, description: 'request body cap' }),
  ERRORS_AS_200: Type.Boolean({ default: false, description: 'answer 200 to errors, for clients of the original' }),
  TRUST_PROXY: Type.Boolean({ default: false, description: 'read client IPs from X-Forwarded-For' }),
  // OpenID Connect provider (issue 4).
  OIDC_KEY_ENCRYPTION_KEY: Type.Optional(
    Type.String({ minLength: 32, description: 'AES-256-GCM key (any 32+ characters) for signing keys at rest' }),
  ),
  OIDC_KEY_GRACE_SECONDS: Int({ default: 86_400, minimum: 3600, maximum: 90 * 86_400, description: 'old key stays in JWKS' }),
  OIDC_CODE_LIFETIME_SECONDS: Int({ default: 60, minimum: 5, maximum: 600, description: 'authorization code lifetime' }),
  OIDC_TOKEN_LIFETIME_SECONDS: Int({ default: 3600, minimum: 300, maximum: 86_400, description: 'ID/access token lifetime' }),
  OIDC_REFRESH_TOKEN_LIFETIME_SECONDS: Int({ default: 2_592_000, minimum: 3600, maximum: 365 * 86_400, description: 'refresh' }),
  OIDC_CLOCK_SKEW_SECONDS: Int({ default: 60, minimum: 0, maximum: 300, description: 'tolerance when verifying JWTs' }),
  OIDC_CUSTOM_SCOPES: Type.String({ default: 'api:read,api:write', description: 'custom scopes of the default server' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  OKTA_RATE_LIMIT_USERS_PER_MINUTE: Int({ default: 600, minimum: 1, maximum: 10_000_000, description: 'org-wide, GET/POST /api/v1/users' }),
  OKTA_RATE_LIMIT_USER_PER_MINUTE: Int({ default: 2000, minimum: 1, maximum: 10_000_000, description: 'org-wide, GET /api/v1/users/{id}' }),
  OKTA_RATE_LIMIT_MANAGEMENT_PER_MINUTE: Int({ default: 1200, minimum: 1, maximum: 10_000_000, description: 'org-wide, other SSWS /api/v1 routes' }),
  // Factors (issue 3): TOTP secrets at rest, push requests.
  FACTOR_SECRET_KEY: Type.Optional(
    Type.String({ minLength: 32, description: 'AES-256-GCM keys for TOTP secrets at rest, comma-separated, newest first' }),
  ),
  PUSH_LIFETIME_SECONDS: Int({ default: 300, minimum: 30, maximum: 3600, description: 'how long a push request waits' }),
  // Okta authn transactions and sessions (issue 3).
  AUTHN_MFA_REQUIRED: Type.Boolean({ default: true, description: 'users without an active factor enrol one at sign-in' }),
  AUTHN_SHOW_LOCKOUT_FAILURES: Type.Boolean({ default: false, description: 'answer LOCKED_OUT instead of 401' }),
  AUTHN_TRANSACTION_IDLE_SECONDS: Int({ default: 300, minimum: 60, maximum: 3600, description: 'sliding stateToken life' }),
  AUTHN_TRANSACTION_MAX_SECONDS: Int({ default: 3600, minimum: 300, maximum: 86_400, description: 'stateToken hard limit' }),
  AUTHN_SESSION_TOKEN_SECONDS: Int({ default: 300, minimum: 30, maximum: 3600, description: 'sessionToken life (Okta: 5 min)' }),
  RATE_LIMIT_AUTHN_PER_USERNAME: Int({ default: 4, minimum: 1, maximum: 1_000_000, description: 'per second (Okta: 4)' }),
  PASSWORD_MAX_AGE_DAYS: Int({ default: 0, minimum: 0, maximum: 3650, description: '0: passwords never expire' }),
  PASSWORD_EXPIRE_WARN_DAYS: Int({ default: 7, minimum: 0, maximum: 365, description: 'PASSWORD_WARN window' }),
  SESSION_COOKIE_REDIRECT_ORIGINS: Type.String({ default: '', description: 'extra origins for sessionCookieRedirect' }),
  OIDC_CORS_ORIGINS: Type.String({ default: '', description: "trusted origins (Okta's CORS trusted origins) for the OIDC endpoints" }),
  AUTHN_PROMPT_FOR_FACTOR: Type.Boolean({ default: true, description: 'false: a right password alone gives SUCCESS even with an active factor' }),
  // Okta mode (issue 5): the seed API backed by an Okta org.
  IDENTITY_PROVIDER: Type.Union([Type.Literal('embedded'), Type.Literal('okta')], {
    default: 'embedded',
    description: 'embedded: Latchkey holds users; okta: the seed API runs on an Okta org',
  }),
  OKTA_ORG_URL: Type.Optional(Type.String({ minLength: 1, description: 'okta mode: https://{yourOktaDomain}' })),
  OKTA_API_TOKEN: Type.Optional(Type.String({ minLength: 1, description: 'okta mode: an SSWS API token' })),
  OKTA_REQUEST_TIMEOUT_MS: Int({ default: 10_000, minimum: 100, maximum: 120_000, description: 'okta mode: per request' }),
});

export type ConfigEnv = Static<typeof ConfigEnvSchema>;

/** The typed configuration the rest of the program receives. */
export interface Config {
  env: ConfigEnv['NODE_ENV'];
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  productName: string;
  /** Present when configured; otherwise main.ts loads or generates one in dataDir. */
  jwtSecret: string | undefined;
  otpSecrets: string[] | undefined;
  ssoIssuer: string;
  ssoTokenLifetimeSeconds: number;
  grantLifetimeSeconds: number;
  otp: { lifetimeSeconds: number; maxAttempts: number; resendIntervalSeconds: number; sendsPerHour: number };
  session: { idleSeconds: number; maxSeconds: number };
  lockout: { threshold: number; durationSeconds: number };
  rateLimits: { loginPerIp: number; loginPerAccount: number; otpVerifyPerAccount: number; apiPerIp: number };
  argon2: { memoryCost: number; timeCost: number; maxConcurrent: number };
  bodyLimitBytes: number;
  errorsAs200: boolean;
  trustProxy: boolean;
  logLevel: ConfigEnv['LOG_LEVEL'];
  devMailbox: boolean;
  /** Factors: keys sealing TOTP secrets (undefined: wiring loads or generates one in dataDir), push lifetime. */
  factors: { secretKeys: string[] | undefined; pushLifetimeSeconds: number };
  /** OpenID Connect provider; keyEncryptionKey undefined: wiring loads or generates one in dataDir. */
  oidc: {
    keyEncryptionKey: string | undefined;
    keyGraceSeconds: number;
    codeLifetimeSeconds: number;
    tokenLifetimeSeconds: number;
    refreshTokenLifetimeSeconds: number;
    clockSkewSeconds: number;
    customScopes: string[];
  };
  /** Okta's org-wide per-minute limits per route group (okta-api.md §6). */
  oktaRateLimits: { users: number; userById: number; management: number };
  /** Okta authn transactions (/api/v1/authn) and the password-age policy. */
  authn: {
    mfaRequired: boolean;
    showLockoutFailures: boolean;
    transactionIdleSeconds: number;
    transactionMaxSeconds: number;
    sessionTokenSeconds: number;
    perUsernamePerSecond: number;
    passwordMaxAgeDays: number;
    passwordExpireWarnDays: number;
  };
  /** Origins (besides PUBLIC_URL's) that /login/sessionCookieRedirect may redirect to. */
  sessionCookieRedirectOrigins: string[];
  /** Origins whose browser code may call the OIDC JSON endpoints (CORS, credentials with the exact origin). */
  oidcCorsOrigins: string[];
  /** Sign-on policy of /api/v1/authn: prompt users with an active factor for it (default true). */
  authnPromptForFactor: boolean;
  /** Who holds users, factors and sessions behind /api/*: the embedded engine, or an Okta org. */
  identityProvider: { kind: 'embedded' } | { kind: 'okta'; orgUrl: string; apiToken: string; timeoutMs: number; insecure: boolean };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const BOOL_TRUE = new Set(['1', 'true', 'yes', 'on']);
const BOOL_FALSE = new Set(['0', 'false', 'no', 'off', '']);

/** Turns environment strings into the schema's types; leaves anything unparseable for the validator to name. */
function coerce(env: Record<string, string | undefined>): { value: Record<string, unknown>; problems: string[] } {
  const value: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, schema] of Object.entries(ConfigEnvSchema.properties)) {
    const raw = env[key];
    if (raw === undefined || raw === '') continue;
    const type = (schema as { type?: string }).type;
    if (type === 'integer') {
      if (!/^-?\d+$/.test(raw.trim())) problems.push(`${key} must be a whole number (got "${raw}")`);
      else value[key] = Number(raw.trim());
    } else if (type === 'boolean') {
      const v = raw.trim().toLowerCase();
      if (BOOL_TRUE.has(v)) value[key] = true;
      else if (BOOL_FALSE.has(v)) value[key] = false;
      else problems.push(`${key} must be true or false (got "${raw}")`);
    } else {
      value[key] = raw;
    }
  }
  return { value, problems };
}

/** Reads and validates the configuration from an environment map (process.env in main.ts). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const { value, problems } = coerce(env);
  const withDefaults = Value.Default(ConfigEnvSchema, value) as Record<string, unknown>;
  for (const error of Value.Errors(ConfigEnvSchema, withDefaults)) {
    const key = error.path.replace(/^\//, '');
    if (problems.some((p) => p.startsWith(`${key} `))) continue;
    problems.push(`${key} ${error.message.toLowerCase()} (got "${String(error.value)}")`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const c = withDefaults as ConfigEnv;

  if (c.SESSION_IDLE_SECONDS > c.SESSION_MAX_SECONDS) {
    problems.push('SESSION_IDLE_SECONDS must not exceed SESSION_MAX_SECONDS');
  }
  if (c.AUTHN_TRANSACTION_IDLE_SECONDS > c.AUTHN_TRANSACTION_MAX_SECONDS) {
    problems.push('AUTHN_TRANSACTION_IDLE_SECONDS must not exceed AUTHN_TRANSACTION_MAX_SECONDS');
  }
  const originList = (name: 'SESSION_COOKIE_REDIRECT_ORIGINS' | 'OIDC_CORS_ORIGINS'): string[] => {
    const out: string[] = [];
    for (const raw of c[name].split(',').map((o) => o.trim()).filter((o) => o.length > 0)) {
      let origin: string | null = null;
      try {
        const url = new URL(raw);
        if ((url.protocol === 'https:' || url.protocol === 'http:') && url.origin === raw.replace(/\/+$/, '')) origin = url.origin;
      } catch {
        origin = null;
      }
      if (origin === null) problems.push(`${name} entries must be origins like https://app.example.com (got "${raw}")`);
      else out.push(origin);
    }
    return out;
  };
  const sessionCookieRedirectOrigins = originList('SESSION_COOKIE_REDIRECT_ORIGINS');
  const oidcCorsOrigins = originList('OIDC_CORS_ORIGINS');
  if (c.JWT_SECRET !== undefined && Buffer.byteLength(c.JWT_SECRET, 'utf8') < 32) {
    problems.push('JWT_SECRET must be at least 32 bytes (RFC 7518 §3.2)');
  }
  const otpSecrets = c.OTP_SECRET?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (otpSecrets?.some((s) => s.length < 32)) problems.push('every OTP_SECRET key must be at least 32 characters');
  if (c.NODE_ENV === 'production') {
    if (c.JWT_SECRET === undefined) problems.push('JWT_SECRET is required when NODE_ENV=production');
    if (otpSecrets === undefined) problems.push('OTP_SECRET is required when NODE_ENV=production');
    if (c.SMTP_URL === undefined) problems.push('SMTP_URL is required when NODE_ENV=production (no dev mailbox)');
    if (c.OIDC_KEY_ENCRYPTION_KEY === undefined) problems.push('OIDC_KEY_ENCRYPTION_KEY is required when NODE_ENV=production');
  }
  const factorSecretKeys = c.FACTOR_SECRET_KEY?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (factorSecretKeys?.some((s) => s.length < 32)) problems.push('every FACTOR_SECRET_KEY key must be at least 32 characters');
  if (c.NODE_ENV === 'production' && factorSecretKeys === undefined) {
    problems.push('FACTOR_SECRET_KEY is required when NODE_ENV=production');
  }
  let identityProvider: Config['identityProvider'] = { kind: 'embedded' };
  if (c.IDENTITY_PROVIDER === 'okta') {
    let orgUrl: string | null = null;
    if (c.OKTA_ORG_URL === undefined) problems.push('OKTA_ORG_URL is required when IDENTITY_PROVIDER=okta (e.g. https://example.okta.com)');
    else {
      try {
        const url = new URL(c.OKTA_ORG_URL);
        if (url.protocol === 'https:' || url.protocol === 'http:') orgUrl = c.OKTA_ORG_URL.replace(/\/+$/, '');
      } catch {
        orgUrl = null;
      }
      if (orgUrl === null) problems.push(`OKTA_ORG_URL must be an http(s) URL like https://example.okta.com (got "${c.OKTA_ORG_URL}")`);
    }
    if (c.OKTA_API_TOKEN === undefined) problems.push('OKTA_API_TOKEN is required when IDENTITY_PROVIDER=okta (an Okta API token, sent as SSWS)');
    if (orgUrl !== null && c.OKTA_API_TOKEN !== undefined) {
      identityProvider = { kind: 'okta', orgUrl, apiToken: c.OKTA_API_TOKEN, timeoutMs: c.OKTA_REQUEST_TIMEOUT_MS, insecure: orgUrl.startsWith('http:') };
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const publicUrl = (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    env: c.NODE_ENV,
    host: c.HOST,
    port: c.PORT,
    publicUrl,
    dataDir: c.DATA_DIR,
    databaseUrl: c.DATABASE_URL ?? `sqlite:${c.DATA_DIR.replace(/\/+$/, '')}/latchkey.db`,
    redisUrl: c.REDIS_URL,
    smtpUrl: c.SMTP_URL,
    mailFrom: c.MAIL_FROM,
    productName: c.PRODUCT_NAME,
    jwtSecret: c.JWT_SECRET,
    otpSecrets,
    ssoIssuer: c.SSO_ISSUER ?? publicUrl,
    ssoTokenLifetimeSeconds: c.SSO_TOKEN_LIFETIME_SECONDS,
    grantLifetimeSeconds: c.GRANT_LIFETIME_SECONDS,
    otp: {
      lifetimeSeconds: c.OTP_LIFETIME_SECONDS,
      maxAttempts: c.OTP_MAX_ATTEMPTS,
      resendIntervalSeconds: c.OTP_RESEND_INTERVAL_SECONDS,
      sendsPerHour: c.OTP_SENDS_PER_HOUR,
    },
    session: { idleSeconds: c.SESSION_IDLE_SECONDS, maxSeconds: c.SESSION_MAX_SECONDS },
    lockout: { threshold: c.LOCKOUT_THRESHOLD, durationSeconds: c.LOCKOUT_DURATION_SECONDS },
    rateLimits: {
      loginPerIp: c.RATE_LIMIT_LOGIN_PER_IP,
      loginPerAccount: c.RATE_LIMIT_LOGIN_PER_ACCOUNT,
      otpVerifyPerAccount: c.RATE_LIMIT_OTP_VERIFY_PER_ACCOUNT,
      apiPerIp: c.RATE_LIMIT_API_PER_IP,
    },
    argon2: { memoryCost: c.ARGON2_MEMORY_KIB, timeCost: c.ARGON2_TIME_COST, maxConcurrent: c.ARGON2_MAX_CONCURRENT },
    bodyLimitBytes: c.BODY_LIMIT_BYTES,
    errorsAs200: c.ERRORS_AS_200,
    trustProxy: c.TRUST_PROXY,
    logLevel: c.LOG_LEVEL,
    devMailbox: c.SMTP_URL === undefined && c.NODE_ENV !== 'production',
    factors: { secretKeys: factorSecretKeys, pushLifetimeSeconds: c.PUSH_LIFETIME_SECONDS },
    oidc: {
      keyEncryptionKey: c.OIDC_KEY_ENCRYPTION_KEY,
      keyGraceSeconds: c.OIDC_KEY_GRACE_SECONDS,
      codeLifetimeSeconds: c.OIDC_CODE_LIFETIME_SECONDS,
      tokenLifetimeSeconds: c.OIDC_TOKEN_LIFETIME_SECONDS,
      refreshTokenLifetimeSeconds: c.OIDC_REFRESH_TOKEN_LIFETIME_SECONDS,
      clockSkewSeconds: c.OIDC_CLOCK_SKEW_SECONDS,
      customScopes: c.OIDC_CUSTOM_SCOPES.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    },
    oktaRateLimits: {
      users: c.OKTA_RATE_LIMIT_USERS_PER_MINUTE,
      userById: c.OKTA_RATE_LIMIT_USER_PER_MINUTE,
      management: c.OKTA_RATE_LIMIT_MANAGEMENT_PER_MINUTE,
    },
    authn: {
      mfaRequired: c.AUTHN_MFA_REQUIRED,
      showLockoutFailures: c.AUTHN_SHOW_LOCKOUT_FAILURES,
      transactionIdleSeconds: c.AUTHN_TRANSACTION_IDLE_SECONDS,
      transactionMaxSeconds: c.AUTHN_TRANSACTION_MAX_SECONDS,
      sessionTokenSeconds: c.AUTHN_SESSION_TOKEN_SECONDS,
      perUsernamePerSecond: c.RATE_LIMIT_AUTHN_PER_USERNAME,
      passwordMaxAgeDays: c.PASSWORD_MAX_AGE_DAYS,
      passwordExpireWarnDays: c.PASSWORD_EXPIRE_WARN_DAYS,
    },
    sessionCookieRedirectOrigins: sessionCookieRedirectOrigins,
    oidcCorsOrigins,
    authnPromptForFactor: c.AUTHN_PROMPT_FOR_FACTOR,
    identityProvider,
  });
}
