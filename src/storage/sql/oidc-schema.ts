// Row shapes of the OpenID Connect provider's tables (migration 2026-11-23T1530-oidc).
// Instants are integer milliseconds, lists and JWKs are JSON text.

export interface OauthKeysTable {
  kid: string;
  public_jwk: string;
  private_key_ciphertext: string;
  created_at: number;
  retired_at: number | null;
  remove_at: number | null;
}

export interface OauthClientsTable {
  client_id: string;
  client_name: string;
  secret_hash: string | null;
  token_endpoint_auth_method: string;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  grant_types: string;
  response_types: string;
  created_at: number;
}

export interface OauthCodesTable {
  code_hash: string;
  grant_id: string;
  server_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scopes: string;
  nonce: string | null;
  code_challenge: string | null;
  session_hash: string | null;
  auth_time: number;
  amr: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface OauthTokensTable {
  token_hash: string;
  kind: string;
  grant_id: string;
  server_id: string;
  client_id: string;
  user_id: string | null;
  scopes: string;
  auth_time: number | null;
  amr: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  rotated_at: number | null;
}

export interface OidcSchema {
  oauth_keys: OauthKeysTable;
  oauth_clients: OauthClientsTable;
  oauth_codes: OauthCodesTable;
  oauth_tokens: OauthTokensTable;
}
