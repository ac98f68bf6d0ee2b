import { createHash } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import type { Clock } from '../clock.js';
import type { User } from '../identity/user.js';
import { randomBase62, randomToken, type Random } from '../random.js';
import type { AuthorizationServer } from './authorization-server.js';
import type { KeyRing } from './key-ring.js';
import type { OAuthGrantStore } from './oauth-grant-store.js';
import type { IssuedToken } from './oauth-grant.js';
import { OAuthError } from './oauth-error.js';
import { sha256Hex } from '../hashing.js';

export interface TokenMinterOptions {
  keys: KeyRing;
  grants: OAuthGrantStore;
  clock: Clock;
  random: Random;
  /** `idp` claim. */
  orgId: string;
  accessTokenSeconds: number;
  idTokenSeconds: number;
  refreshTokenSeconds: number;
  clockSkewSeconds: number;
}

/** What a grant decided; the minter turns it into tokens. */
export interface TokenRequestContext {
  server: AuthorizationServer;
  clientId: string;
  /** null for client_credentials. */
  user: User | null;
  scopes: string[];
  grantId: string;
  authTime: Date | null;
  amr: string[];
  nonce: string | null;
  accessToken: boolean;
  idToken: boolean;
  refreshToken: boolean;
}

export interface TokenSet {
  accessToken?: string;
  idToken?: string;
  refreshToken?: string;
  expiresIn: number;
  scope: string;
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Claims of the profile and email scopes (OIDC Core §5.4), from Okta's user profile. */
export function scopeClaims(user: User, scopes: string[], onlyBasic = false): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  const p = user.profile;
  if (scopes.includes('profile')) {
    claims.name = `${p.firstName} ${p.lastName}`.trim();
    claims.preferred_username = p.login;
    if (!onlyBasic) {
      claims.given_name = p.firstName;
      claims.family_name = p.lastName;
      claims.locale = p.locale ?? 'en_US';
      claims.zoneinfo = p.timeZone ?? 'America/Los_Angeles';
      claims.updated_at = seconds(user.lastUpdated);
    }
  }
  if (scopes.includes('email')) {
    claims.email = p.email;
    if (!onlyBasic) claims.email_verified = true;
  }
  return claims;
}

/** at_hash (OIDC Core §3.1.3.6): left half of SHA-256 of the access token, base64url. */
export const atHash = (accessToken: string): string =>
  createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');

export interface VerifiedAccessToken {
  payload: JWTPayload;
  record: IssuedToken;
}

/**
 * Mints Okta-shaped RS256 ID and access tokens and opaque refresh tokens, records what it issued,
 * and verifies its own tokens with an allow-list of one algorithm.
 */
export class TokenMinter {
  constructor(private readonly o: TokenMinterOptions) {}

  async mint(ctx: TokenRequestContext): Promise<TokenSet> {
    const now = this.o.clock.now();
    const iat = seconds(now);
    const { kid, key } = await this.o.keys.signingKey();
    const header: JWTHeaderParameters = { alg: 'RS256', kid };
    const set: TokenSet = { expiresIn: this.o.accessTokenSeconds, scope: ctx.scopes.join(' ') };
    const sub = ctx.user?.id ?? ctx.clientId;
    const base = { ver: 1 };

    if (ctx.accessToken) {
      const jti = `AT.${randomToken(this.o.random, 32)}`;
      const claims: Record<string, unknown> = { ...base, jti, cid: ctx.clientId, scp: ctx.scopes };
      if (ctx.user !== null) claims.uid = ctx.user.id;
      if (ctx.authTime !== null) claims.auth_time = seconds(ctx.authTime);
      set.accessToken = await new SignJWT(claims)
        .setProtectedHeader(header)
        .setIssuer(ctx.server.issuer)
        .setAudience(ctx.server.audience)
        .setSubject(ctx.user?.profile.login ?? ctx.clientId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + this.o.accessTokenSeconds)
        .sign(key);
      await this.record(ctx, 'access', sha256Hex(jti), now, this.o.accessTokenSeconds);
    }

    if (ctx.idToken && ctx.user !== null) {
      const claims: Record<string, unknown> = {
        ...base,
        jti: `ID.${randomToken(this.o.random, 32)}`,
        amr: ctx.amr,
        idp: this.o.orgId,
        ...scopeClaims(ctx.user, ctx.scopes, !ctx.server.custom && set.accessToken !== undefined),
      };
      if (ctx.authTime !== null) claims.auth_time = seconds(ctx.authTime);
      if (ctx.nonce !== null) claims.nonce = ctx.nonce;
      if (set.accessToken !== undefined) claims.at_hash = atHash(set.accessToken);
      set.idToken = await new SignJWT(claims)
        .setProtectedHeader(header)
        .setIssuer(ctx.server.issuer)
        .setAudience(ctx.clientId)
        .setSubject(sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + this.o.idTokenSeconds)
        .sign(key);
    }

    if (ctx.refreshToken) {
      const token = randomBase62(this.o.random, 43);
      await this.record(ctx, 'refresh', sha256Hex(token), now, this.o.refreshTokenSeconds);
      set.refreshToken = token;
    }
    return set;
  }

  /**
   * A live access token of `server`: RS256 only, signed by a published key, iss/aud/exp/nbf
   * checked with the configured skew, and not revoked. invalid_token otherwise.
   */
  async verifyAccessToken(server: AuthorizationServer, token: string): Promise<VerifiedAccessToken> {
    const payload = await this.verifyJwt(token, server.issuer, server.audience, false);
    if (typeof payload.jti !== 'string' || !payload.jti.startsWith('AT.')) throw invalidToken();
    const record = await this.o.grants.findToken(sha256Hex(payload.jti));
    if (record === null || record.kind !== 'access' || record.revokedAt !== null || record.serverId !== server.id) throw invalidToken();
    return { payload, record };
  }

  /** An ID token this server issued (for /logout's id_token_hint): signature and iss checked, expiry tolerated. */
  async verifyIdTokenHint(server: AuthorizationServer, token: string): Promise<JWTPayload> {
    const payload = await this.verifyJwt(token, server.issuer, undefined, true);
    if (typeof payload.jti !== 'string' || !payload.jti.startsWith('ID.')) throw invalidToken();
    return payload;
  }

  private async verifyJwt(token: string, issuer: string, audience: string | undefined, allowExpired: boolean): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          if (header.alg !== 'RS256' || typeof header.kid !== 'string') throw invalidToken();
          const key = await this.o.keys.verificationKey(header.kid);
          if (key === null) throw invalidToken();
          return key;
        },
        {
          algorithms: ['RS256'],
          issuer,
          ...(audience === undefined ? {} : { audience }),
          clockTolerance: this.o.clockSkewSeconds,
          currentDate: this.o.clock.now(),
          requiredClaims: ['iat', 'exp', 'sub'],
        },
      );
      return payload;
    } catch (error) {
      if (allowExpired && error instanceof joseErrors.JWTExpired) return error.payload;
      if (error instanceof OAuthError) throw error;
      if (error instanceof joseErrors.JOSEError) throw invalidToken(error);
      throw error;
    }
  }

  private async record(ctx: TokenRequestContext, kind: 'access' | 'refresh', tokenHash: string, now: Date, lifetime: number): Promise<void> {
    await this.o.grants.saveToken({
      tokenHash,
      kind,
      grantId: ctx.grantId,
      serverId: ctx.server.id,
      clientId: ctx.clientId,
      userId: ctx.user?.id ?? null,
      scopes: ctx.scopes,
      authTime: ctx.authTime,
      amr: ctx.amr,
      createdAt: now,
      expiresAt: new Date(now.getTime() + lifetime * 1000),
      revokedAt: null,
      rotatedAt: null,
    });
  }
}

const invalidToken = (cause?: unknown) => new OAuthError('invalid_token', 'The access token is invalid.', { cause });
