import { runHttpLoad } from '../lib/load.js';
import type { LatchkeyScenario } from './types.js';

/**
 * POST /oauth2/default/v1/token, grant_type=client_credentials: a confidential client registered with
 * Latchkey's CLI, client_secret_basic, a custom scope; answer an RS256 access token. Latchkey, like
 * Okta, grants client_credentials only on a custom authorization server, hence /oauth2/default/v1/token
 * rather than the org server's /oauth2/v1/token.
 */
export const oauth2TokenCcScenario: LatchkeyScenario = {
  id: 'oauth2-token-cc',
  title: 'POST /oauth2/default/v1/token (client_credentials)',
  comparisons: [{ reference: 'oidc-token-cc', target: 1, targetText: 'ahead of oidc-provider token' }],
  async run(fixture, options) {
    const created = JSON.parse(
      await fixture.cli(['clients', 'create', '--name', 'bench-client-credentials', '--grant-type', 'client_credentials', '--json']),
    ) as { client_id?: string; client_secret?: string };
    if (created.client_id === undefined || created.client_secret === undefined) {
      throw new Error('latchkey clients create returned no client_id/client_secret');
    }
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${created.client_id}:${created.client_secret}`).toString('base64')}`,
    };
    const body = 'grant_type=client_credentials&scope=api%3Aread';
    const check = await fetch(`${fixture.baseUrl}/oauth2/default/v1/token`, { method: 'POST', headers, body });
    const token = (await check.json()) as { access_token?: string };
    if (!check.ok || typeof token.access_token !== 'string') {
      throw new Error(`/oauth2/default/v1/token answered ${check.status}: ${JSON.stringify(token).slice(0, 200)}`);
    }
    return runHttpLoad({
      baseUrl: fixture.baseUrl,
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      requests: [{ method: 'POST', path: '/oauth2/default/v1/token', headers, body }],
    });
  },
};
