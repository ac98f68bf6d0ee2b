import * as client from 'openid-client';
import { OktaAuth } from '@okta/okta-auth-js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../support/harness.js';
import { get, startOidcHarness, userWithSession } from '../../support/oidc-harness.js';

const REDIRECT = 'https://app.example.com/callback';
let h: Harness;

beforeAll(async () => {
  delete process.env.HTTPS_PROXY;
  delete process.env.https_proxy;
  h = await startOidcHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('@okta/okta-auth-js in Node', () => {
  it('token.exchangeCodeForTokens, then userinfo and revoke, against the default server', async () => {
    const { sid, user } = await userWithSession(h);
    const { client: registered } = await h.latchkey.oidc.clients.create({ clientName: 'spa', redirectUris: [REDIRECT], tokenEndpointAuthMethod: 'none' });
    const issuer = `${h.baseUrl}/oauth2/default`;
    const auth = new OktaAuth({ issuer, clientId: registered.clientId, redirectUri: REDIRECT, pkce: true, tokenManager: { storage: 'memory' }, storageManager: { token: { storageType: 'memory' }, transaction: { storageType: 'memory' } } });
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const url = new URL(`${issuer}/v1/authorize`);
    url.search = new URLSearchParams({
      client_id: registered.clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid profile email',
      state: 'ajs-state',
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const res = await get(url.href, { cookie: `sid=${sid}` });
    const code = new URL(res.location ?? 'x:/').searchParams.get('code') ?? '';
    const { tokens } = await auth.token.exchangeCodeForTokens({ authorizationCode: code, codeVerifier: verifier, nonce, redirectUri: REDIRECT, scopes: ['openid', 'profile', 'email'] });
    expect(tokens.idToken?.claims.sub).toBe(user.userId);
    expect(tokens.idToken?.claims.nonce).toBe(nonce);
    expect(tokens.accessToken?.accessToken).toBeTypeOf('string');
    expect(decodeJwt(tokens.accessToken?.accessToken ?? '')).toMatchObject({ uid: user.userId, cid: registered.clientId });
    const info = await auth.token.getUserInfo(tokens.accessToken, tokens.idToken);
    expect(info.sub).toBe(user.userId);
    if (tokens.accessToken !== undefined) await auth.token.revoke(tokens.accessToken);
    const after = await h.call('GET', '/oauth2/default/v1/userinfo', undefined, { authorization: `Bearer ${tokens.accessToken?.accessToken ?? ''}` });
    expect(after.status).toBe(401);
  });
});
