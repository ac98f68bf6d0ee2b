import type { Clock } from '../clock.js';
import { sha256Hex } from '../hashing.js';
import type { IdentityStore } from '../identity/identity-store.js';
import type { Logger } from '../logger.js';
import { randomToken, type Random } from '../random.js';
import type { Session } from '../session/session.js';
import type { AuthorizationServer } from './authorization-server.js';
import type { ClientService } from './client-service.js';
import { isPublicClient, type OAuthClient, type OAuthResponseType } from './oauth-client.js';
import { OAuthError, type OAuthErrorCode } from './oauth-error.js';
import type { OAuthGrantStore } from './oauth-grant-store.js';
import { isValidCodeChallenge } from './pkce.js';
import { checkScopes, splitScopes } from './token-service.js';
import type { TokenMinter } from './token-minter.js';

export type ResponseMode = 'query' | 'fragment' | 'form_post' | 'okta_post_message';
const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'fragment', 'form_post', 'okta_post_message'];

export interface AuthorizeServiceOptions {
  clients: ClientService;
  grants: OAuthGrantStore;
  identity: IdentityStore;
  minter: TokenMinter;
  clock: Clock;
  random: Random;
  logger: Logger;
  codeLifetimeSeconds: number;
}

export type AuthorizeParams = Record<string, string | undefined>;

/** Where and how the answer goes once client and redirect_uri are known to be good. */
export interface AuthorizeTarget {
  client: OAuthClient;
  redirectUri: string;
  mode: ResponseMode;
  state: string | undefined;
}

export type AuthorizeOutcome =
  /** client_id or redirect_uri cannot be trusted: show an error page, never redirect. */
  | { kind: 'error_page'; error: OAuthErrorCode; description: string }
  /** Deliver `params` to the client (success or error). */
  | { kind: 'respond'; target: AuthorizeTarget; params: Record<string, string> }
  /** A sign-in is needed first; the caller shows the hosted sign-in page and comes back. */
  | { kind: 'login'; target: AuthorizeTarget };

/** The authenticated end user behind the request, if any. */
export interface AuthorizeSession {
  session: Session;
  /** Hash of the session token (to bind the code to it). */
  sessionHash: string;
}

const CODE_CHALLENGE_METHODS = ['S256'];

/**
 * /authorize (RFC 6749 §4.1/§4.2, OIDC Core §3): checks client and redirect_uri first, then the
 * rest of the request, then answers with a code or tokens for the session, or asks for a sign-in.
 */
export class AuthorizeService {
  constructor(private readonly o: AuthorizeServiceOptions) {}

  /** Validates client_id and redirect_uri only: the two things that decide whether a redirect is safe. */
  async target(params: AuthorizeParams): Promise<{ target: AuthorizeTarget; responseTypes: OAuthResponseType[] } | { error: OAuthErrorCode; description: string }> {
    const clientId = params.client_id;
    if (!clientId) return { error: 'invalid_request', description: "The 'client_id' parameter is required." };
    const client = await this.o.clients.find(clientId);
    if (client === null) return { error: 'invalid_client', description: 'The client_id is not valid.' };
    const redirectUri = params.redirect_uri;
    if (!redirectUri) return { error: 'invalid_request', description: "The 'redirect_uri' parameter is required." };
    if (!client.redirectUris.includes(redirectUri)) {
      return { error: 'invalid_request', description: "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings." };
    }
    const responseTypes = splitScopes(params.response_type ?? '') as OAuthResponseType[];
    const implicit = responseTypes.includes('token') || responseTypes.includes('id_token');
    const requestedMode = params.response_mode;
    const mode: ResponseMode = RESPONSE_MODES.includes(requestedMode as ResponseMode)
      ? (requestedMode as ResponseMode)
      : implicit
        ? 'fragment'
        : 'query';
    return { target: { client, redirectUri, mode, state: params.state }, responseTypes };
  }

  /**
   * The whole request. `session` is the live, fully authenticated session (sid cookie or
   * sessionToken), or null. `forceLogin` is set by the caller when the user has just been sent
   * back from the sign-in page (so prompt=login does not loop).
   */
  async authorize(server: AuthorizationServer, params: AuthorizeParams, session: AuthorizeSession | null, freshLogin = false): Promise<AuthorizeOutcome> {
    const checked = await this.target(params);
    if ('error' in checked) return { kind: 'error_page', error: checked.error, description: checked.description };
    const { target, responseTypes } = checked;
    const fail = (error: OAuthErrorCode, description: string): AuthorizeOutcome => ({
      kind: 'respond',
      target,
      params: { error, error_description: description, ...(target.state === undefined ? {} : { state: target.state }) },
    });
    try {
      if (params.response_mode !== undefined && !RESPONSE_MODES.includes(params.response_mode as ResponseMode)) {
        return fail('unsupported_response_mode', `The response_mode '${params.response_mode}' is not supported.`);
      }
      const rt = params.response_type ?? '';
      if (responseTypes.length === 0) return fail('invalid_request', "The 'response_type' parameter is required.");
      if (responseTypes.some((t) => !['code', 'token', 'id_token'].includes(t)) || (responseTypes.includes('code') && responseTypes.length > 1)) {
        return fail('unsupported_response_type', `The response type '${rt}' is not supported.`);
      }
      const client = target.client;
      for (const t of responseTypes) {
        if (!client.responseTypes.includes(t)) return fail('unauthorized_client', `The client is not authorized to use the response type '${rt}'.`);
      }
      const implicit = !responseTypes.includes('code');
      if (implicit && target.mode === 'query') return fail('invalid_request', "The response_mode 'query' is not allowed with the response type.");
      if (!target.state) return fail('invalid_request', "The 'state' parameter is required.");
      const scopes = splitScopes(params.scope ?? '');
      if (scopes.length === 0) return fail('invalid_scope', "The 'scope' parameter is required.");
      checkScopes(server, scopes);
      if (!scopes.includes('openid') && responseTypes.includes('id_token')) return fail('invalid_scope', "The 'openid' scope is required for the response type 'id_token'.");
      if (scopes.includes('offline_access') && (implicit || !client.grantTypes.includes('refresh_token'))) {
        return fail('invalid_scope', "The 'offline_access' scope is not allowed for this client or response type.");
      }
      const nonce = params.nonce ?? null;
      if (responseTypes.includes('id_token') && !nonce) return fail('invalid_request', "The 'nonce' parameter is required for the implicit flow.");

      let codeChallenge: string | null = null;
      if (!implicit) {
        const method = params.code_challenge_method;
        const challenge = params.code_challenge;
        if (method !== undefined && !CODE_CHALLENGE_METHODS.includes(method)) {
          return fail('invalid_request', "The 'code_challenge_method' is invalid. Supported: S256.");
        }
        if (challenge !== undefined) {
          if (method === undefined) return fail('invalid_request', "The 'code_challenge_method' parameter is required; plain is not supported.");
          if (!isValidCodeChallenge(challenge)) return fail('invalid_request', "The 'code_challenge' is invalid.");
          codeChallenge = challenge;
        } else if (isPublicClient(client)) {
          return fail('invalid_request', 'PKCE code challenge is required when the token endpoint authentication method is none.');
        }
      }

      const prompt = splitScopes(params.prompt ?? '');
      if (prompt.some((p) => !['none', 'login', 'consent'].includes(p))) return fail('invalid_request', "The 'prompt' parameter is invalid.");
      if (prompt.includes('none') && prompt.length > 1) return fail('invalid_request', "The 'prompt' value 'none' cannot be combined with others.");
      let maxAge: number | null = null;
      if (params.max_age !== undefined) {
        if (!/^\d{1,9}$/.test(params.max_age)) return fail('invalid_request', "The 'max_age' parameter must be a non-negative integer.");
        maxAge = Number(params.max_age);
      }

      const now = this.o.clock.now();
      let live = session;
      if (live !== null) {
        const authTime = authTimeOf(live.session);
        const tooOld = maxAge !== null && now.getTime() - authTime.getTime() > maxAge * 1000;
        if ((prompt.includes('login') && !freshLogin) || tooOld) live = null;
      }
      if (live === null) {
        if (prompt.includes('none')) return fail('login_required', 'The client specified not to prompt, but the user is not logged in.');
        return { kind: 'login', target };
      }

      const user = await this.o.identity.findUserById(live.session.userId);
      if (user === null || user.status !== 'ACTIVE') {
        if (prompt.includes('none')) return fail('login_required', 'The client specified not to prompt, but the user is not logged in.');
        return { kind: 'login', target };
      }
      const authTime = authTimeOf(live.session);
      const grantId = randomToken(this.o.random, 16);
      const out: Record<string, string> = {};
      if (!implicit) {
        const code = randomToken(this.o.random, 32);
        await this.o.grants.createCode({
          codeHash: sha256Hex(code),
          grantId,
          serverId: server.id,
          clientId: client.clientId,
          userId: user.id,
          redirectUri: target.redirectUri,
          scopes,
          nonce,
          codeChallenge,
          sessionHash: live.sessionHash,
          authTime,
          amr: live.session.amr,
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.o.codeLifetimeSeconds * 1000),
          consumedAt: null,
        });
        out.code = code;
      } else {
        const set = await this.o.minter.mint({
          server,
          clientId: client.clientId,
          user,
          scopes,
          grantId,
          authTime,
          amr: live.session.amr,
          nonce,
          accessToken: responseTypes.includes('token'),
          idToken: responseTypes.includes('id_token'),
          refreshToken: false,
        });
        if (set.accessToken !== undefined) {
          out.access_token = set.accessToken;
          out.token_type = 'Bearer';
          out.expires_in = String(set.expiresIn);
        }
        if (set.idToken !== undefined) out.id_token = set.idToken;
        out.scope = set.scope;
      }
      out.state = target.state;
      this.o.logger.info({ event: 'oidc.authorize', clientId: client.clientId, userId: user.id, responseType: rt }, 'authorization granted');
      return { kind: 'respond', target, params: out };
    } catch (error) {
      if (error instanceof OAuthError) return fail(error.error, error.message);
      throw error;
    }
  }
}

/** When the user last proved who they are: the last password check, else the session start. */
export const authTimeOf = (session: Session): Date => session.lastPasswordVerification ?? session.createdAt;
