import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { refPort } from './common.js';

/**
 * oidc-provider (panva), the reference for Latchkey's future /oauth2 endpoints: its token endpoint
 * with client_credentials and its introspection endpoint, one confidential client
 * (client_secret_basic), default in-memory adapter, opaque access tokens.
 */
const port = refPort();
const clientSecret = process.env.OIDC_CLIENT_SECRET;
if (clientSecret === undefined) throw new Error('OIDC_CLIENT_SECRET must be set by the bench runner');
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'bench',
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: false },
  },
});

const callback = provider.callback();
const server = createServer((request, response) => {
  if (request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  void callback(request, response);
});
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  process.exit(0);
});
