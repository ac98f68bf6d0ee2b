import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { OAuthClient } from '../../core/oidc/oauth-client.js';
import { requireSsws } from '../okta/ssws-auth.js';
import type { OidcDeps } from './oidc-deps.js';
import { addOAuthErrorHandler } from './oidc-http.js';

const ClientBody = Type.Object({
  client_name: Type.String({ minLength: 1, maxLength: 100 }),
  redirect_uris: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 100 })),
  post_logout_redirect_uris: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 100 })),
  grant_types: Type.Optional(Type.Array(Type.String(), { maxItems: 10 })),
  response_types: Type.Optional(Type.Array(Type.String(), { maxItems: 10 })),
  token_endpoint_auth_method: Type.Optional(Type.String()),
  application_type: Type.Optional(Type.String()),
});
type ClientBody = Static<typeof ClientBody>;

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** Okta's Dynamic Client Registration shape (oauth.yaml `Client`), without the secret. */
export function clientJson(client: OAuthClient): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_id_issued_at: seconds(client.createdAt),
    client_name: client.clientName,
    client_secret_expires_at: client.secretHash === null ? null : 0,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    response_types: client.responseTypes,
    grant_types: client.grantTypes,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    application_type: client.tokenEndpointAuthMethod === 'none' ? 'browser' : 'web',
  };
}

/** POST/GET/DELETE /oauth2/v1/clients under SSWS: register, list, read and delete OAuth clients. */
export const oidcClientsPlugin: FastifyPluginAsync<{ deps: OidcDeps }> = async (app, { deps }) => {
  addOAuthErrorHandler(app);
  const auth = requireSsws({ apiTokens: deps.apiTokens });
  const base = '/oauth2/v1/clients';

  app.post<{ Body: ClientBody }>(base, { schema: { hide: true, body: ClientBody }, preHandler: auth }, async (request, reply) => {
    const b = request.body;
    const { client, clientSecret } = await deps.clients.create({
      clientName: b.client_name,
      redirectUris: b.redirect_uris ?? [],
      ...(b.post_logout_redirect_uris === undefined ? {} : { postLogoutRedirectUris: b.post_logout_redirect_uris }),
      ...(b.grant_types === undefined ? {} : { grantTypes: b.grant_types }),
      ...(b.response_types === undefined ? {} : { responseTypes: b.response_types }),
      ...(b.token_endpoint_auth_method === undefined ? {} : { tokenEndpointAuthMethod: b.token_endpoint_auth_method }),
    });
    return reply.code(201).header('cache-control', 'no-store').send({ ...clientJson(client), ...(clientSecret === null ? {} : { client_secret: clientSecret }) });
  });

  app.get(base, { schema: { hide: true }, preHandler: auth }, async () => (await deps.clients.list()).map(clientJson));

  app.get<{ Params: { clientId: string } }>(`${base}/:clientId`, { schema: { hide: true }, preHandler: auth }, async (request, reply) => {
    const client = await deps.clients.find(request.params.clientId);
    if (client === null) return reply.code(404).send({ error: 'invalid_client', error_description: 'Invalid value for \'client_id\' parameter.' });
    return clientJson(client);
  });

  app.delete<{ Params: { clientId: string } }>(`${base}/:clientId`, { schema: { hide: true }, preHandler: auth }, async (request, reply) => {
    await deps.clients.delete(request.params.clientId);
    return reply.code(204).send();
  });
};
