import { webcrypto } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { RequestContext } from '../audit/audit-event.js';
import { authEvent, recordEvent } from '../audit/auth-events.js';
import type { EventLog } from '../audit/event-log.js';
import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import { sha256Hex } from '../hashing.js';
import type { Logger } from '../logger.js';
import type { SsoIdentity } from '../provider/identity-provider.js';
import { randomToken, type Random } from '../random.js';
import type { GrantStore } from './grant-store.js';

export interface SsoServiceOptions {
  grants: GrantStore;
  /** Sessions and users: the identity provider (embedded engine or Okta org). */
  identity: SsoIdentity;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** HS256 key, at least 32 bytes. */
  secret: Uint8Array;
  issuer: string;
  grantLifetimeSeconds: number;
  tokenLifetimeSeconds: number;
  /** Tolerated clock difference when verifying, in seconds. */
  clockSkewSeconds?: number;
  /** System Log; optional so unit tests may leave it out. */
  events?: EventLog;
}

const RESERVED_CLAIMS = new Set(['sub', 'iat', 'exp', 'nbf', 'iss', 'aud', 'jti']);
const invalidToken = (cause?: unknown) => new AuthError('invalid_token', 'Invalid token provided', { cause });

/**
 * Seed `/api/sso/*`: a single-use grant code from an ACTIVE session, exchanged once for an
 * HS256 JWT carrying the user's profile, verified with an allow-list of one algorithm.
 */
export class SsoService {
  private readonly key: Promise<webcrypto.CryptoKey>;

  constructor(private readonly o: SsoServiceOptions) {
    if (o.secret.byteLength < 32) throw new Error('the SSO signing secret must be at least 32 bytes');
    // Imported once: jose would otherwise import the raw bytes into a CryptoKey on every sign and verify.
    this.key = webcrypto.subtle.importKey('raw', o.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  async grant(sessionToken: string): Promise<string> {
    const session = await this.o.identity.requireActiveSession(sessionToken);
    const now = this.o.clock.now();
    const code = randomToken(this.o.random, 32);
    await this.o.grants.createGrant({
      codeHash: sha256Hex(code),
      userId: session.userId,
      sessionHash: session.sessionHash,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.o.grantLifetimeSeconds * 1000),
    });
    this.o.logger.info({ event: 'sso.grant', userId: session.userId }, 'sso grant issued');
    return code;
  }

  async token(code: string, context?: RequestContext): Promise<string> {
    const now = this.o.clock.now();
    const grant = await this.o.grants.consumeGrant(sha256Hex(code), now);
    if (grant === null) throw invalidToken();
    // The code is bound to its session: if that session ended meanwhile, the code dies with it.
    const [user, sessionAlive] = await Promise.all([
      this.o.identity.findTokenSubject(grant.userId),
      this.o.identity.isSessionActive(grant.sessionHash, grant.userId),
    ]);
    if (user === null || !sessionAlive || !user.active) throw invalidToken();
    const iat = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({ ...profileClaims(user.profile) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.o.issuer)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.o.tokenLifetimeSeconds)
      .setJti(randomToken(this.o.random, 16))
      .sign(await this.key);
    this.o.logger.info({ event: 'sso.token', userId: user.id }, 'sso token issued');
    const login = typeof user.profile.login === 'string' ? user.profile.login : user.id;
    const actor = { id: user.id, type: 'User' as const, alternateId: login, displayName: displayName(user.profile) };
    await recordEvent(this.o.events, authEvent('app.oauth2.as.token.grant', 'OAuth2 token granted (seed /api/sso/token JWT)', actor, 'SUCCESS'), context);
    return token;
  }

  /** The profile inside a valid token; invalid_token for any other alg, bad signature, expiry or issuer. */
  async verify(token: string): Promise<Record<string, unknown>> {
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: ['HS256'],
        issuer: this.o.issuer,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: this.o.clockSkewSeconds ?? 60,
        currentDate: this.o.clock.now(),
      });
      const profile: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(payload)) if (!RESERVED_CLAIMS.has(key)) profile[key] = value;
      return profile;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw invalidToken(error);
      throw error;
    }
  }
}

/** As userActor: "first last", trimmed. */
function displayName(profile: Record<string, unknown>): string {
  const part = (value: unknown) => (typeof value === 'string' ? value : '');
  return `${part(profile.firstName)} ${part(profile.lastName)}`.trim();
}

function profileClaims(profile: Record<string, unknown>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(profile)) if (value !== undefined) claims[key] = value;
  return claims;
}
