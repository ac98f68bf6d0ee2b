import type { RequestContext } from '../audit/audit-event.js';
import { authEvent, recordEvent, userActor } from '../audit/auth-events.js';
import type { AuditActor, AuditTarget } from '../audit/audit-event.js';
import type { EventLog } from '../audit/event-log.js';
import type { Clock } from '../clock.js';
import { sha256Hex } from '../hashing.js';
import type { IdentityStore } from '../identity/identity-store.js';
import type { User } from '../identity/user.js';
import type { Logger } from '../logger.js';
import { randomToken, type Random } from '../random.js';
import { supportedScopes, type AuthorizationServer } from './authorization-server.js';
import type { ClientService, PresentedClient } from './client-service.js';
import { isPublicClient, type OAuthClient } from './oauth-client.js';
import { OAuthError } from './oauth-error.js';
import type { OAuthGrantStore } from './oauth-grant-store.js';
import type { IssuedToken } from './oauth-grant.js';
import { verifyCodeVerifier } from './pkce.js';
import { scopeClaims, type TokenMinter, type TokenSet } from './token-minter.js';

export interface TokenServiceOptions {
  clients: ClientService;
  grants: OAuthGrantStore;
  identity: IdentityStore;
  minter: TokenMinter;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** System Log: token grants and revocations (app.oauth2.as.token.grant.*, app.oauth2.as.token.revoke). */
  events?: EventLog;
}

/** The /token request after form parsing: every parameter as sent, once. */
export type TokenParams = Record<string, string | undefined>;

export interface TokenResponse {
  token_type: 'Bearer';
  expires_in: number;
  access_token: string;
  scope: string;
  id_token?: string;
  refresh_token?: string;
}

export type Introspection = { active: false } | ({ active: true } & Record<string, unknown>);

const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** /token, /introspect, /revoke and /userinfo of one provider, parameterised by authorization server. */
export class TokenService {
  constructor(private readonly o: TokenServiceOptions) {}

  async token(server: AuthorizationServer, presented: PresentedClient | null, params: TokenParams, context?: RequestContext): Promise<TokenResponse> {
    const grantType = params.grant_type;
    if (grantType === undefined || grantType === '') throw new OAuthError('invalid_request', 'The request is missing a required parameter: grant_type.');
    const client = await this.o.clients.authenticate(presented);
    let issued: { set: TokenSet; user: User | null };
    try {
      switch (grantType) {
        case 'authorization_code':
          issued = await this.authorizationCode(server, client, params, context);
          break;
        case 'refresh_token':
          issued = await this.refreshToken(server, client, params, context);
          break;
        case 'client_credentials':
          issued = await this.clientCredentials(server, client, params);
          break;
        default:
          throw new OAuthError('unsupported_grant_type', `The grant type '${grantType}' is not supported.`);
      }
    } catch (error) {
      if (error instanceof OAuthError) {
        await recordEvent(
          this.o.events,
          authEvent('app.oauth2.as.token.grant', `OAuth2 token request refused (${grantType})`, clientActor(client), 'FAILURE', {
            reason: error.error,
            target: [clientTarget(client, server)],
          }),
          context,
        );
      }
      throw error;
    }
    await this.recordGrant(server, client, grantType, issued.set, issued.user, context);
    return response(issued.set);
  }

  /** One app.oauth2.as.token.grant.<kind> event per token issued, as Okta's System Log has them. */
  private async recordGrant(server: AuthorizationServer, client: OAuthClient, grantType: string, set: TokenSet, user: User | null, context: RequestContext | undefined): Promise<void> {
    const actor = user === null ? clientActor(client) : userActor(user);
    const kinds: Array<['access_token' | 'id_token' | 'refresh_token', string | undefined]> = [
      ['access_token', set.accessToken],
      ['id_token', set.idToken],
      ['refresh_token', set.refreshToken],
    ];
    for (const [kind, token] of kinds) {
      if (token === undefined) continue;
      const tokenTarget: AuditTarget = { id: tokenId(token), type: kind, alternateId: grantType, displayName: kind === 'access_token' ? 'Access Token' : kind === 'id_token' ? 'OIDC ID Token' : 'Refresh Token' };
      await recordEvent(
        this.o.events,
        authEvent(`app.oauth2.as.token.grant.${kind}`, `OAuth2 ${tokenTarget.displayName ?? kind} granted (${grantType})`, actor, 'SUCCESS', {
          target: [clientTarget(client, server), tokenTarget],
        }),
        context,
      );
    }
  }

  private async recordRevoke(server: AuthorizationServer, client: OAuthClient, kind: 'access_token' | 'refresh_token', reason: string, userId: string | null, context: RequestContext | undefined): Promise<void> {
    const user = userId === null ? null : await this.o.identity.findUserById(userId);
    await recordEvent(
      this.o.events,
      authEvent('app.oauth2.as.token.revoke', `OAuth2 ${kind === 'access_token' ? 'access' : 'refresh'} token revoked (${reason})`, user === null ? clientActor(client) : userActor(user), 'SUCCESS', {
        reason,
        target: [clientTarget(client, server), { id: kind, type: kind, alternateId: null, displayName: null }],
      }),
      context,
    );
  }

  private async authorizationCode(server: AuthorizationServer, client: OAuthClient, params: TokenParams, context: RequestContext | undefined): Promise<{ set: TokenSet; user: User }> {
    allowGrant(client, 'authorization_code');
    const code = params.code;
    const redirectUri = params.redirect_uri;
    if (!code) throw new OAuthError('invalid_request', 'The request is missing a required parameter: code.');
    if (!redirectUri) throw new OAuthError('invalid_request', 'The request is missing a required parameter: redirect_uri.');
    const now = this.o.clock.now();
    const result = await this.o.grants.consumeCode(sha256Hex(code), now);
    if (result.kind === 'replayed') {
      const revoked = await this.o.grants.revokeGrant(result.code.grantId, now);
      this.o.logger.warn({ event: 'oidc.code.replayed', clientId: client.clientId, revoked }, 'authorization code replayed: grant revoked');
      if (revoked > 0) await this.recordRevoke(server, client, 'access_token', 'code_replayed', result.code.userId, context);
    }
    if (result.kind !== 'consumed') throw invalidGrant('The authorization code is invalid or has expired.');
    const stored = result.code;
    if (stored.clientId !== client.clientId || stored.serverId !== server.id) {
      await this.o.grants.revokeGrant(stored.grantId, now);
      throw invalidGrant('The authorization code is invalid or has expired.');
    }
    if (stored.redirectUri !== redirectUri) throw invalidGrant("The 'redirect_uri' does not match the redirection URI used in the authorization request.");
    const verifier = params.code_verifier;
    if (stored.codeChallenge !== null) {
      if (!verifier) throw invalidGrant('PKCE verification failed: the code_verifier is missing.');
      if (!verifyCodeVerifier(verifier, stored.codeChallenge)) throw invalidGrant('PKCE verification failed.');
    } else if (verifier) {
      throw invalidGrant('PKCE verification failed: no code_challenge was sent with the authorization request.');
    }
    const user = await this.activeUser(stored.userId);
    if (user === null) throw invalidGrant('The authorization code is invalid or has expired.');
    const set = await this.o.minter.mint({
      server,
      clientId: client.clientId,
      user,
      scopes: stored.scopes,
      grantId: stored.grantId,
      authTime: stored.authTime,
      amr: stored.amr,
      nonce: stored.nonce,
      accessToken: true,
      idToken: stored.scopes.includes('openid'),
      refreshToken: stored.scopes.includes('offline_access') && client.grantTypes.includes('refresh_token'),
    });
    this.o.logger.info({ event: 'oidc.token.issue', grant: 'authorization_code', clientId: client.clientId, userId: user.id }, 'tokens issued');
    return { set, user };
  }

  private async refreshToken(server: AuthorizationServer, client: OAuthClient, params: TokenParams, context: RequestContext | undefined): Promise<{ set: TokenSet; user: User }> {
    allowGrant(client, 'refresh_token');
    const token = params.refresh_token;
    if (!token) throw new OAuthError('invalid_request', 'The request is missing a required parameter: refresh_token.');
    const now = this.o.clock.now();
    const hash = sha256Hex(token);
    const existing = await this.o.grants.findToken(hash);
    // Another client's or another server's token is treated as unknown, and not rotated.
    if (existing === null || existing.kind !== 'refresh' || existing.clientId !== client.clientId || existing.serverId !== server.id) {
      throw invalidGrant('The refresh token is invalid or expired.');
    }
    const rotation = await this.o.grants.rotateRefreshToken(hash, now);
    if (rotation.kind === 'reused') {
      const revoked = await this.o.grants.revokeGrant(rotation.token.grantId, now);
      this.o.logger.warn({ event: 'oidc.refresh.reused', clientId: client.clientId, revoked }, 'refresh token reused: family revoked');
      await this.recordRevoke(server, client, 'refresh_token', 'refresh_token_reused', rotation.token.userId, context);
    }
    if (rotation.kind !== 'rotated') throw invalidGrant('The refresh token is invalid or expired.');
    const previous = rotation.token;
    let scopes = previous.scopes;
    if (params.scope !== undefined && params.scope !== '') {
      const requested = splitScopes(params.scope);
      if (requested.some((s) => !previous.scopes.includes(s))) throw new OAuthError('invalid_scope', 'The requested scope exceeds the scope granted by the resource owner.');
      scopes = requested;
    }
    const user = previous.userId === null ? null : await this.activeUser(previous.userId);
    if (user === null) throw invalidGrant('The refresh token is invalid or expired.');
    const set = await this.o.minter.mint({
      server,
      clientId: client.clientId,
      user,
      scopes,
      grantId: previous.grantId,
      authTime: previous.authTime,
      amr: previous.amr,
      nonce: null,
      accessToken: true,
      idToken: scopes.includes('openid'),
      // The successor keeps the original grant's scopes, so a narrowed request does not shrink the family.
      refreshToken: false,
    });
    const successor = await this.o.minter.mint({
      server,
      clientId: client.clientId,
      user,
      scopes: previous.scopes,
      grantId: previous.grantId,
      authTime: previous.authTime,
      amr: previous.amr,
      nonce: null,
      accessToken: false,
      idToken: false,
      refreshToken: true,
    });
    if (successor.refreshToken !== undefined) set.refreshToken = successor.refreshToken;
    this.o.logger.info({ event: 'oidc.token.issue', grant: 'refresh_token', clientId: client.clientId, userId: user.id }, 'tokens issued');
    return { set, user };
  }

  private async clientCredentials(server: AuthorizationServer, client: OAuthClient, params: TokenParams): Promise<{ set: TokenSet; user: null }> {
    if (!server.custom) throw new OAuthError('unsupported_grant_type', "The grant type 'client_credentials' is not supported by the org authorization server.");
    allowGrant(client, 'client_credentials');
    if (isPublicClient(client)) throw new OAuthError('invalid_client', 'Client authentication failed.');
    const requested = params.scope ? splitScopes(params.scope) : [];
    if (requested.length === 0) throw new OAuthError('invalid_scope', 'The authorization server resource does not have any configured default scopes, \'scope\' must be provided.');
    for (const s of requested) {
      if (!server.customScopes.includes(s)) throw new OAuthError('invalid_scope', `One or more scopes are not configured for the authorization server resource: '${s}'.`);
    }
    const set = await this.o.minter.mint({
      server,
      clientId: client.clientId,
      user: null,
      scopes: requested,
      grantId: randomToken(this.o.random, 16),
      authTime: null,
      amr: [],
      nonce: null,
      accessToken: true,
      idToken: false,
      refreshToken: false,
    });
    this.o.logger.info({ event: 'oidc.token.issue', grant: 'client_credentials', clientId: client.clientId }, 'tokens issued');
    return { set, user: null };
  }

  /** RFC 7662. Tokens of other clients introspect as inactive; no error reveals why. */
  async introspect(server: AuthorizationServer, presented: PresentedClient | null, params: TokenParams): Promise<Introspection> {
    const client = await this.o.clients.authenticate(presented);
    const token = params.token;
    if (!token) throw new OAuthError('invalid_request', 'The request is missing a required parameter: token.');
    const hint = params.token_type_hint;
    const now = this.o.clock.now();
    if (hint !== 'refresh_token' && token.split('.').length === 3) {
      try {
        const { payload, record } = await this.o.minter.verifyAccessToken(server, token);
        if (record.clientId !== client.clientId) return { active: false };
        return {
          active: true,
          scope: record.scopes.join(' '),
          username: typeof payload.sub === 'string' ? payload.sub : undefined,
          exp: payload.exp,
          iat: payload.iat,
          sub: payload.sub,
          aud: server.audience,
          iss: server.issuer,
          jti: payload.jti,
          token_type: 'Bearer',
          client_id: record.clientId,
          ...(record.userId === null ? {} : { uid: record.userId }),
        };
      } catch {
        return { active: false };
      }
    }
    const record = await this.o.grants.findToken(sha256Hex(token));
    if (!isLiveRefresh(record, now, server, client)) return { active: false };
    const user = record.userId === null ? null : await this.o.identity.findUserById(record.userId);
    return {
      active: true,
      token_type: 'refresh_token',
      scope: record.scopes.join(' '),
      client_id: record.clientId,
      ...(user === null ? {} : { username: user.profile.login, sub: user.profile.login, uid: user.id }),
      exp: seconds(record.expiresAt),
      iat: seconds(record.createdAt),
      aud: server.audience,
      iss: server.issuer,
    };
  }

  /** RFC 7009: always succeeds for an authenticated client; revoking a refresh token revokes its family. */
  async revoke(server: AuthorizationServer, presented: PresentedClient | null, params: TokenParams, context?: RequestContext): Promise<void> {
    const client = await this.o.clients.authenticate(presented);
    const token = params.token;
    if (!token) throw new OAuthError('invalid_request', 'The request is missing a required parameter: token.');
    const now = this.o.clock.now();
    if (token.split('.').length === 3) {
      try {
        const { record, payload } = await this.o.minter.verifyAccessToken(server, token);
        if (record.clientId === client.clientId && typeof payload.jti === 'string') {
          const revoked = await this.o.grants.revokeToken(sha256Hex(payload.jti), now);
          this.o.logger.info({ event: 'oidc.token.revoke', kind: 'access', clientId: client.clientId }, 'token revoked');
          if (revoked) await this.recordRevoke(server, client, 'access_token', 'revoked_by_client', record.userId, context);
        }
      } catch {
        // Unknown, expired or foreign tokens: nothing to do, and nothing to say (RFC 7009 §2.2).
      }
      return;
    }
    const record = await this.o.grants.findToken(sha256Hex(token));
    if (record !== null && record.kind === 'refresh' && record.clientId === client.clientId && record.serverId === server.id) {
      await this.o.grants.revokeGrant(record.grantId, now);
      this.o.logger.info({ event: 'oidc.token.revoke', kind: 'refresh', clientId: client.clientId }, 'token revoked');
      await this.recordRevoke(server, client, 'refresh_token', 'revoked_by_client', record.userId, context);
    }
  }

  /** OIDC Core §5.3: the claims of the token's scopes; invalid_token (401) or insufficient_scope (403). */
  async userinfo(server: AuthorizationServer, accessToken: string): Promise<Record<string, unknown>> {
    const { record } = await this.o.minter.verifyAccessToken(server, accessToken);
    if (!record.scopes.includes('openid') || record.userId === null) {
      throw new OAuthError('insufficient_scope', 'The access token must provide access to at least one of these scopes - profile, email, address or phone');
    }
    const user = await this.activeUser(record.userId);
    if (user === null) throw new OAuthError('invalid_token', 'The access token is invalid.');
    return { sub: user.id, ...scopeClaims(user, record.scopes) };
  }

  private async activeUser(userId: string): Promise<User | null> {
    const user = await this.o.identity.findUserById(userId);
    return user !== null && user.status === 'ACTIVE' ? user : null;
  }
}

export function splitScopes(scope: string): string[] {
  return [...new Set(scope.split(' ').filter((s) => s.length > 0))];
}

/** Scopes an interactive request may ask for; invalid_scope names the first unknown one. */
export function checkScopes(server: AuthorizationServer, scopes: string[]): void {
  const known = supportedScopes(server);
  for (const s of scopes) {
    if (!known.includes(s)) throw new OAuthError('invalid_scope', `One or more scopes are not configured for the authorization server resource: '${s}'.`);
  }
}

function allowGrant(client: OAuthClient, grant: 'authorization_code' | 'refresh_token' | 'client_credentials'): void {
  if (!client.grantTypes.includes(grant)) throw new OAuthError('unauthorized_client', `The client is not authorized to use the provided grant type. Configured grant types: [${client.grantTypes.join(', ')}].`);
}

function isLiveRefresh(record: IssuedToken | null, now: Date, server: AuthorizationServer, client: OAuthClient): record is IssuedToken {
  return (
    record !== null &&
    record.kind === 'refresh' &&
    record.revokedAt === null &&
    record.rotatedAt === null &&
    record.expiresAt > now &&
    record.serverId === server.id &&
    record.clientId === client.clientId
  );
}

/** The client as the actor of events without a user (client_credentials, refused requests). */
function clientActor(client: OAuthClient): AuditActor {
  return { id: client.clientId, type: 'PublicClientApp', alternateId: client.clientId, displayName: client.clientName };
}

function clientTarget(client: OAuthClient, server: AuthorizationServer): AuditTarget {
  return { id: client.clientId, type: 'PublicClientApp', alternateId: server.issuer, displayName: client.clientName };
}

/** The jti of a JWT, or a short hash of an opaque token: never the token itself. */
function tokenId(token: string): string {
  const parts = token.split('.');
  if (parts.length === 3) {
    try {
      const payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as { jti?: unknown };
      if (typeof payload.jti === 'string') return payload.jti;
    } catch {
      // fall through to the hash
    }
  }
  return `RT.${sha256Hex(token).slice(0, 20)}`;
}

function response(set: TokenSet): TokenResponse {
  if (set.accessToken === undefined) throw new OAuthError('server_error', 'No access token was minted.');
  return {
    token_type: 'Bearer',
    expires_in: set.expiresIn,
    access_token: set.accessToken,
    scope: set.scope,
    ...(set.idToken === undefined ? {} : { id_token: set.idToken }),
    ...(set.refreshToken === undefined ? {} : { refresh_token: set.refreshToken }),
  };
}
