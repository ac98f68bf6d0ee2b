export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';
export type OAuthGrantType = 'authorization_code' | 'refresh_token' | 'client_credentials' | 'implicit';
export type OAuthResponseType = 'code' | 'token' | 'id_token';

export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];
export const GRANT_TYPES: readonly OAuthGrantType[] = ['authorization_code', 'refresh_token', 'client_credentials', 'implicit'];
export const RESPONSE_TYPES: readonly OAuthResponseType[] = ['code', 'token', 'id_token'];

/**
 * A registered OAuth 2.0 client (Okta's OIDC app). Public clients use `none` and PKCE; confidential
 * clients hold a secret, stored only as its SHA-256 (the secret is 256 random bits).
 */
export interface OAuthClient {
  clientId: string;
  clientName: string;
  secretHash: string | null;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Compared exactly, character for character. */
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: OAuthGrantType[];
  responseTypes: OAuthResponseType[];
  createdAt: Date;
}

export const isPublicClient = (client: OAuthClient): boolean => client.tokenEndpointAuthMethod === 'none';
