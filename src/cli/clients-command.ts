import { parseArgs } from 'node:util';
import type { OAuthClient } from '../core/oidc/oauth-client.js';
import type { CliCommand, CliIo } from './cli-command.js';
import { withOidc } from './oidc-cli.js';

export const CLIENTS_USAGE = `usage: latchkey clients create --name NAME --redirect-uri URI [--redirect-uri URI …]
                              [--post-logout-redirect-uri URI …] [--public]
                              [--grant-type TYPE …] [--auth-method METHOD] [--json]
       latchkey clients list [--json]
       latchkey clients delete CLIENT_ID

OAuth 2.0 / OpenID Connect clients. --public registers a public client (token_endpoint_auth_method
none, PKCE required); otherwise the client is confidential and its secret is printed once, when it
is created, and stored only as its SHA-256. Grant types: authorization_code (default),
refresh_token, client_credentials, implicit. Auth methods: client_secret_basic (default),
client_secret_post.`;

const view = (c: OAuthClient) => ({
  client_id: c.clientId,
  client_name: c.clientName,
  token_endpoint_auth_method: c.tokenEndpointAuthMethod,
  redirect_uris: c.redirectUris,
  post_logout_redirect_uris: c.postLogoutRedirectUris,
  grant_types: c.grantTypes,
  response_types: c.responseTypes,
  created: c.createdAt.toISOString(),
});

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'post-logout-redirect-uri': { type: 'string', multiple: true },
        'grant-type': { type: 'string', multiple: true },
        'auth-method': { type: 'string' },
        public: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    io.stderr(`latchkey clients: ${(error as Error).message}\n${CLIENTS_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const json = values.json === true;

  if (action === 'create' && positionals.length === 0 && typeof values.name === 'string') {
    const name = values.name;
    const method = values.public === true ? 'none' : (values['auth-method'] ?? 'client_secret_basic');
    const { client, clientSecret } = await withOidc(io, ({ clients }) =>
      clients.create({
        clientName: name,
        redirectUris: values['redirect-uri'] ?? [],
        postLogoutRedirectUris: values['post-logout-redirect-uri'] ?? [],
        ...(values['grant-type'] === undefined ? {} : { grantTypes: values['grant-type'] }),
        tokenEndpointAuthMethod: method,
      }),
    );
    if (json) io.stdout(`${JSON.stringify({ ...view(client), ...(clientSecret === null ? {} : { client_secret: clientSecret }) })}\n`);
    else if (clientSecret === null) io.stdout(`Created public client ${client.clientId} (${client.clientName}).\n`);
    else io.stdout(`Created client ${client.clientId} (${client.clientName}). Its secret is shown only now; store it safely:\n${clientSecret}\n`);
    return 0;
  }
  if (action === 'list' && positionals.length === 0) {
    const list = await withOidc(io, ({ clients }) => clients.list());
    if (json) {
      io.stdout(`${JSON.stringify(list.map(view))}\n`);
    } else if (list.length === 0) {
      io.stdout('No clients.\n');
    } else {
      io.stdout(`${['CLIENT ID', 'TYPE', 'GRANTS', 'NAME'].join('\t')}\n`);
      for (const c of list) io.stdout(`${[c.clientId, c.tokenEndpointAuthMethod === 'none' ? 'public' : 'confidential', c.grantTypes.join(','), c.clientName].join('\t')}\n`);
    }
    return 0;
  }
  if (action === 'delete' && positionals.length === 1) {
    const id = positionals[0] as string;
    await withOidc(io, ({ clients }) => clients.delete(id));
    io.stdout(`Deleted client ${id}.\n`);
    return 0;
  }
  io.stderr(`${CLIENTS_USAGE}\n`);
  return 2;
}

export const clientsCommand: CliCommand = { summary: 'create, list and delete OAuth/OIDC clients', run };
