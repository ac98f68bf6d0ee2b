import * as client from 'openid-client';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../support/harness.js';
import { createApiToken } from '../../support/okta-sdk.js';
import { expectOkta, preloadOktaSchemas } from '../../support/okta-schemas.js';
import { createPasswordUser, get, postForm, sessionTokenFor, startOidcHarness } from '../../support/oidc-harness.js';

const REDIRECT = 'https://app.example.com/callback';
const APP_ORIGIN = 'https://app.example.com';

interface LogEvent {
  eventType: string;
  displayMessage: string;
  outcome: { result: string; reason: string | null };
  actor: { id: string; type: string };
  client: { ipAddress: string | null; userAgent: { rawUserAgent: string } | null };
  target: Array<{ id: string; type: string; alternateId: string | null }> | null;
  transaction: { id: string | null };
}

let h: Harness;
let ssws: string;

beforeAll(async () => {
  preloadOktaSchemas();
  h = await startOidcHarness({ AUTHN_MFA_REQUIRED: 'false', OIDC_CORS_ORIGINS: APP_ORIGIN });
  ssws = (await createApiToken(h, 'oidc-logs')).token;
});
afterAll(async () => {
  await h?.close();
});

const logs = async (filter: string): Promise<LogEvent[]> => {
  const r = await h.call('GET', `/api/v1/logs?limit=1000&filter=${encodeURIComponent(filter)}`, undefined, { authorization: `SSWS ${ssws}` });
  expect(r.status, r.text).toBe(200);
  expectOkta('LogEvent', r.body, { array: true });
  return r.body as unknown as LogEvent[];
};

describe('System Log: token grants and revocations of the OIDC provider', () => {
  it('records app.oauth2.as.token.grant.* per token issued and app.oauth2.as.token.revoke, with actor, client and targets', async () => {
    const user = await createPasswordUser(h, ssws);
    const sessionToken = await sessionTokenFor(h, user.email, user.password);
    const { client: registered } = await h.latchkey.oidc.clients.create({
      clientName: 'logged-spa',
      redirectUris: [REDIRECT],
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code', 'refresh_token'],
    });
    const config = await client.discovery(new URL(`${h.baseUrl}/oauth2/default`), registered.clientId, { redirect_uris: [REDIRECT] }, client.None(), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile offline_access',
      state: 'log-state',
      nonce: 'log-nonce',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      prompt: 'none',
      sessionToken,
    });
    const res = await get(url.href);
    const code = new URL(res.location ?? 'x:/').searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    const base = `${h.baseUrl}/oauth2/default/v1`;
    const ua = { 'user-agent': 'oidc-log-test/1.0' };
    const tokens = await postForm(`${base}/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: registered.clientId }, ua);
    expect(tokens.status, tokens.text).toBe(200);
    const accessJti = decodeJwt(tokens.json.access_token as string).jti;
    const idJti = decodeJwt(tokens.json.id_token as string).jti;
    expect(tokens.json.refresh_token).toBeTypeOf('string');

    // A replayed code is refused (and revokes what it issued); a revoke by the client.
    const replay = await postForm(`${base}/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: registered.clientId }, ua);
    expect(replay.status).toBe(400);
    const revoke = await postForm(`${base}/revoke`, { token: tokens.json.refresh_token as string, client_id: registered.clientId }, ua);
    expect(revoke.status).toBe(200);

    const mine = await logs(`actor.id eq "${user.userId}"`);
    const oauth = mine.filter((e) => e.eventType.startsWith('app.oauth2.'));
    expect(oauth.map((e) => `${e.eventType}:${e.outcome.result}`)).toEqual([
      'app.oauth2.as.token.grant.access_token:SUCCESS',
      'app.oauth2.as.token.grant.id_token:SUCCESS',
      'app.oauth2.as.token.grant.refresh_token:SUCCESS',
      'app.oauth2.as.token.revoke:SUCCESS', // the replayed code took its grant with it
      'app.oauth2.as.token.revoke:SUCCESS', // the client revoked the refresh token
    ]);
    const [grantAt, grantId] = oauth;
    expect(grantAt).toMatchObject({
      actor: { id: user.userId, type: 'User' },
      client: { ipAddress: '127.0.0.1', userAgent: { rawUserAgent: 'oidc-log-test/1.0' } },
      target: [
        { id: registered.clientId, type: 'PublicClientApp', alternateId: `${h.baseUrl}/oauth2/default` },
        { id: accessJti, type: 'access_token', alternateId: 'authorization_code' },
      ],
    });
    expect(grantAt?.transaction.id).toBeTruthy();
    expect(grantId?.target?.[1]).toMatchObject({ id: idJti, type: 'id_token' });
    expect(oauth[3]?.outcome.reason).toBe('code_replayed');
    expect(oauth[4]?.outcome.reason).toBe('revoked_by_client');
    // Tokens themselves never reach the log.
    expect(JSON.stringify(mine)).not.toContain(tokens.json.access_token as string);
    expect(JSON.stringify(mine)).not.toContain(tokens.json.refresh_token as string);

    // The refused replay is a FAILURE event of the client.
    const failures = await logs(`eventType eq "app.oauth2.as.token.grant" and actor.id eq "${registered.clientId}"`);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ outcome: { result: 'FAILURE', reason: 'invalid_grant' }, actor: { type: 'PublicClientApp' } });
  });
});

describe('CORS on the OIDC endpoints (security.md 34)', () => {
  it('answers a trusted origin exactly, with credentials, and an untrusted one with no CORS headers', async () => {
    const preflight = await h.call('OPTIONS', '/oauth2/default/v1/token', undefined, { origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-okta-user-agent-extended' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-okta-user-agent-extended');
    const discovery = await h.call('GET', '/oauth2/default/.well-known/openid-configuration', undefined, { origin: APP_ORIGIN });
    expect(discovery.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(discovery.headers.get('vary')).toMatch(/origin/i);
    const error = await h.call('POST', '/oauth2/v1/token', 'grant_type=password', { origin: APP_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' });
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);

    const evil = 'https://evil.example.com';
    const badPreflight = await h.call('OPTIONS', '/oauth2/default/v1/token', undefined, { origin: evil, 'access-control-request-method': 'POST' });
    expect(badPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(badPreflight.headers.get('access-control-allow-methods')).toBeNull();
    const badKeys = await h.call('GET', '/oauth2/default/v1/keys', undefined, { origin: evil });
    expect(badKeys.status).toBe(200);
    expect(badKeys.headers.get('access-control-allow-origin')).toBeNull();
    // /authorize is a navigation, never a CORS endpoint.
    const authorize = await h.call('GET', '/oauth2/default/v1/authorize', undefined, { origin: APP_ORIGIN });
    expect(authorize.headers.get('access-control-allow-origin')).toBeNull();
  });
});
