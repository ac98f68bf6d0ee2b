import { createHash } from 'node:crypto';

/**
 * An authorization server in Okta's sense: the org server (issuer = the org URL, endpoints under
 * /oauth2/v1) or a custom one such as `default` (issuer {org}/oauth2/default). One implementation
 * serves both; what differs is described here.
 */
export interface AuthorizationServer {
  /** `org` or the custom server's id (`default`). */
  id: string;
  issuer: string;
  /** `aud` of the access tokens this server issues. */
  audience: string;
  /** Absolute base of the endpoints: {issuer}/v1 for custom servers, {org}/oauth2/v1 for the org server. */
  endpointBase: string;
  /** Custom servers only: the client_credentials grant and custom scopes. */
  custom: boolean;
  /** Scopes beyond the OIDC ones (custom servers). */
  customScopes: string[];
}

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

export function orgAuthorizationServer(publicUrl: string): AuthorizationServer {
  return { id: 'org', issuer: publicUrl, audience: publicUrl, endpointBase: `${publicUrl}/oauth2/v1`, custom: false, customScopes: [] };
}

export function customAuthorizationServer(publicUrl: string, id: string, customScopes: string[]): AuthorizationServer {
  const issuer = `${publicUrl}/oauth2/${id}`;
  return { id, issuer, audience: `api://${id}`, endpointBase: `${issuer}/v1`, custom: true, customScopes };
}

export const supportedScopes = (server: AuthorizationServer): string[] => [...OIDC_SCOPES, ...server.customScopes];

/** Okta's `idp` claim names the org (`00o…`); ours is derived from the public URL so it is stable. */
export function orgId(publicUrl: string): string {
  const digest = createHash('sha256').update(publicUrl).digest();
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let out = '00o';
  for (let i = 0; i < 17; i++) out += alphabet[(digest[i] ?? 0) % 62];
  return out;
}
