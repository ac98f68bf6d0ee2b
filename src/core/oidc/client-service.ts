import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import { hexEqual, sha256Hex } from '../hashing.js';
import type { Logger } from '../logger.js';
import { oktaId, randomToken, type Random } from '../random.js';
import type { ClientStore } from './client-store.js';
import {
  GRANT_TYPES,
  RESPONSE_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
  type OAuthClient,
  type OAuthGrantType,
  type OAuthResponseType,
  type TokenEndpointAuthMethod,
} from './oauth-client.js';
import { OAuthError } from './oauth-error.js';

export interface ClientServiceOptions {
  store: ClientStore;
  clock: Clock;
  random: Random;
  logger: Logger;
}

export interface NewClientInput {
  clientName: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  grantTypes?: string[];
  responseTypes?: string[];
  tokenEndpointAuthMethod?: string;
}

/** How the caller of /token, /introspect or /revoke presented itself. */
export interface PresentedClient {
  clientId: string;
  secret: string | null;
  method: TokenEndpointAuthMethod;
}

const invalid = (summary: string) => new AuthError('validation_failed', summary, { causes: [{ summary }] });
const invalidClient = () => new OAuthError('invalid_client', 'Client authentication failed.');

/** Registration, lookup and authentication of OAuth clients. */
export class ClientService {
  constructor(private readonly o: ClientServiceOptions) {}

  /** Registers a client; the secret (confidential clients) is returned here and never again. */
  async create(input: NewClientInput): Promise<{ client: OAuthClient; clientSecret: string | null }> {
    const method = (input.tokenEndpointAuthMethod ?? 'client_secret_basic') as TokenEndpointAuthMethod;
    if (!TOKEN_ENDPOINT_AUTH_METHODS.includes(method)) invalidField('token_endpoint_auth_method', `unsupported value ${input.tokenEndpointAuthMethod}`);
    const grantTypes = unique(input.grantTypes ?? ['authorization_code']) as OAuthGrantType[];
    for (const g of grantTypes) if (!GRANT_TYPES.includes(g)) invalidField('grant_types', `unsupported grant type ${g}`);
    const defaultResponses: OAuthResponseType[] = [];
    if (grantTypes.includes('authorization_code')) defaultResponses.push('code');
    if (grantTypes.includes('implicit')) defaultResponses.push('token', 'id_token');
    const responseTypes = unique(input.responseTypes ?? defaultResponses) as OAuthResponseType[];
    for (const r of responseTypes) if (!RESPONSE_TYPES.includes(r)) invalidField('response_types', `unsupported response type ${r}`);
    if (responseTypes.includes('code') && !grantTypes.includes('authorization_code')) invalidField('response_types', 'code needs the authorization_code grant');
    if ((responseTypes.includes('token') || responseTypes.includes('id_token')) && !grantTypes.includes('implicit')) {
      invalidField('response_types', 'token and id_token need the implicit grant');
    }
    if (grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code')) invalidField('grant_types', 'refresh_token needs authorization_code');
    if (grantTypes.includes('client_credentials') && method === 'none') invalidField('grant_types', 'client_credentials needs a confidential client');
    const name = input.clientName.trim();
    if (name.length === 0 || name.length > 100) invalidField('client_name', 'must be 1 to 100 characters');
    const needsRedirect = grantTypes.includes('authorization_code') || grantTypes.includes('implicit');
    if (needsRedirect && input.redirectUris.length === 0) invalidField('redirect_uris', 'at least one redirect URI is required');
    for (const uri of [...input.redirectUris, ...(input.postLogoutRedirectUris ?? [])]) checkRedirectUri(uri);

    const clientSecret = method === 'none' ? null : randomToken(this.o.random, 32);
    const client: OAuthClient = {
      clientId: oktaId(this.o.random, '0oa'),
      clientName: name,
      secretHash: clientSecret === null ? null : sha256Hex(clientSecret),
      tokenEndpointAuthMethod: method,
      redirectUris: unique(input.redirectUris),
      postLogoutRedirectUris: unique(input.postLogoutRedirectUris ?? []),
      grantTypes,
      responseTypes,
      createdAt: this.o.clock.now(),
    };
    await this.o.store.createClient(client);
    this.o.logger.info({ event: 'oidc.client.create', clientId: client.clientId }, 'oauth client registered');
    return { client, clientSecret };
  }

  find(clientId: string): Promise<OAuthClient | null> {
    return this.o.store.findClient(clientId);
  }

  list(): Promise<OAuthClient[]> {
    return this.o.store.listClients();
  }

  async delete(clientId: string): Promise<void> {
    if (!(await this.o.store.deleteClient(clientId))) {
      throw new AuthError('not_found', `Not found: Resource not found: ${clientId} (Client)`, { resource: 'Client' });
    }
    this.o.logger.info({ event: 'oidc.client.delete', clientId }, 'oauth client deleted');
  }

  /**
   * The client behind the presented credentials, or 401 invalid_client. A confidential client
   * must use its registered method with the right secret; a public one presents only its id.
   * `allowBareId`: /introspect and /revoke accept a public client's id alone, as AJS sends it.
   */
  async authenticate(presented: PresentedClient | null): Promise<OAuthClient> {
    if (presented === null || presented.clientId === '') throw invalidClient();
    const client = await this.o.store.findClient(presented.clientId);
    if (client === null) throw invalidClient();
    if (client.tokenEndpointAuthMethod === 'none') {
      if (presented.secret !== null && presented.secret !== '') throw invalidClient();
      return client;
    }
    if (presented.secret === null || client.secretHash === null) throw invalidClient();
    if (presented.method !== client.tokenEndpointAuthMethod) throw invalidClient();
    if (!hexEqual(sha256Hex(presented.secret), client.secretHash)) throw invalidClient();
    return client;
  }
}

function invalidField(field: string, message: string): never {
  throw invalid(`${field}: ${message}`);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Absolute http(s) or private-use scheme URIs without a fragment (RFC 6749 §3.1.2, RFC 8252 §7.1). */
function checkRedirectUri(uri: string): void {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return invalidField('redirect_uris', `${uri} is not an absolute URI`);
  }
  if (parsed.hash !== '' || uri.includes('#')) invalidField('redirect_uris', `${uri} must not contain a fragment`);
  if (parsed.protocol === 'javascript:' || parsed.protocol === 'data:') invalidField('redirect_uris', `${uri} uses a forbidden scheme`);
}
