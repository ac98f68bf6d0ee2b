import * as client from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../support/harness.js';
import { expectOAuth } from '../../support/oauth-schemas.js';
import { get, postForm, startOidcHarness, userWithSession } from '../../support/oidc-harness.js';

const REDIRECT = 'https://app.example.com/callback';
const LOGOUT_REDIRECT = 'https://app.example.com/signed-out';

let h: Harness;
let sid: string;
let userId: string;
let confidential: { id: string; secret: string };
let publicClient: string;

const insecure = { execute: [client.allowInsecureRequests] };

async function discover(path: string, clientId: string, secret?: string): Promise<client.Configuration> {
  const auth = secret === undefined ? client.None() : client.ClientSecretBasic(secret);
  return client.discovery(new URL(h.baseUrl + path), clientId, { redirect_uris: [REDIRECT] }, auth, insecure);
}

/** Drives /authorize with the sid cookie and returns the callback URL it redirected to. */
async function authorize(config: client.Configuration, extra: Record<string, string> = {}, cookie = `sid=${sid}`) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile email offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  const res = await get(url.href, { cookie });
  return { res, verifier, state, nonce, callback: res.location === null ? null : new URL(res.location) };
}

beforeAll(async () => {
  h = await startOidcHarness();
  const session = await userWithSession(h);
  sid = session.sid;
  userId = session.user.userId;
  const created = await h.latchkey.oidc.clients.create({
    clientName: 'web',
    redirectUris: [REDIRECT],
    postLogoutRedirectUris: [LOGOUT_REDIRECT],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
  });
  confidential = { id: created.client.clientId, secret: created.clientSecret ?? '' };
  const spa = await h.latchkey.oidc.clients.create({
    clientName: 'spa',
    redirectUris: [REDIRECT],
    tokenEndpointAuthMethod: 'none',
    grantTypes: ['authorization_code', 'refresh_token', 'implicit'],
  });
  publicClient = spa.client.clientId;
});

afterAll(async () => {
  await h?.close();
});

describe('discovery', () => {
  it('publishes both authorization servers, valid against oauth.yaml', async () => {
    for (const [path, issuer] of [
      ['/.well-known/openid-configuration', h.baseUrl],
      ['/oauth2/default/.well-known/openid-configuration', `${h.baseUrl}/oauth2/default`],
    ] as const) {
      const res = await h.call('GET', path);
      expect(res.status).toBe(200);
      expectOAuth('OidcMetadata', res.body);
      expect(res.body.issuer).toBe(issuer);
      expect(res.body.code_challenge_methods_supported).toEqual(['S256']);
      expect(res.body.response_modes_supported).toContain('okta_post_message');
      expect(res.body.id_token_signing_alg_values_supported).toEqual(['RS256']);
    }
    const org = await discover('', confidential.id, confidential.secret);
    expect(org.serverMetadata().token_endpoint).toBe(`${h.baseUrl}/oauth2/v1/token`);
    const custom = await discover('/oauth2/default', confidential.id, confidential.secret);
    expect(custom.serverMetadata().token_endpoint).toBe(`${h.baseUrl}/oauth2/default/v1/token`);
  });

  it('serves RS256 keys with a kid and Cache-Control max-age', async () => {
    const res = await h.call('GET', '/oauth2/v1/keys');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const keys = res.body.keys as Array<Record<string, unknown>>;
    expect(keys.length).toBeGreaterThan(0);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(Object.keys(keys[0] ?? {}).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });
});

describe('authorization code + PKCE (openid-client)', () => {
  it('issues Okta-shaped tokens; refresh, userinfo, introspection, revocation and end-session work', async () => {
    const config = await discover('/oauth2/default', confidential.id, confidential.secret);
    const { res, verifier, state, nonce, callback } = await authorize(config);
    expect(res.status).toBe(302);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(callback?.origin + (callback?.pathname ?? '')).toBe(REDIRECT);
    expect(callback?.searchParams.get('state')).toBe(state);

    const tokens = await client.authorizationCodeGrant(config, callback as URL, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toBeTypeOf('string');

    // ID token: RS256, a kid from /keys, Okta's claims, nonce echoed, at_hash present.
    const jwks = createRemoteJWKSet(new URL(`${h.baseUrl}/oauth2/default/v1/keys`));
    const id = await jwtVerify(tokens.id_token as string, jwks, { algorithms: ['RS256'], issuer: `${h.baseUrl}/oauth2/default`, audience: confidential.id });
    expect(id.protectedHeader.kid).toBeTypeOf('string');
    expect(id.payload).toMatchObject({ ver: 1, sub: userId, nonce, amr: ['pwd', 'otp', 'mfa'] });
    expect(String(id.payload.jti)).toMatch(/^ID\./);
    expect(id.payload.idp).toMatch(/^00o/);
    for (const claim of ['auth_time', 'at_hash', 'email', 'email_verified', 'name', 'preferred_username', 'given_name', 'family_name']) {
      expect(id.payload, claim).toHaveProperty(claim);
    }
    const at = await jwtVerify(tokens.access_token, jwks, { algorithms: ['RS256'], issuer: `${h.baseUrl}/oauth2/default`, audience: 'api://default' });
    expect(at.payload).toMatchObject({ ver: 1, cid: confidential.id, uid: userId, scp: ['openid', 'profile', 'email', 'offline_access'] });
    expect(String(at.payload.jti)).toMatch(/^AT\./);
    expect(at.payload.auth_time).toBe(id.payload.auth_time);

    const info = await client.fetchUserInfo(config, tokens.access_token, userId);
    expect(info).toMatchObject({ sub: userId, email_verified: true });

    const introspection = await client.tokenIntrospection(config, tokens.access_token);
    expectOAuth('IntrospectionResponse', { ...introspection });
    expect(introspection).toMatchObject({ active: true, client_id: confidential.id, uid: userId, token_type: 'Bearer' });

    // Refresh rotates; the old refresh token then fails and takes the whole family with it.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.refresh_token).toBeTypeOf('string');
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(true);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
    expect((await client.tokenIntrospection(config, refreshed.refresh_token as string)).active).toBe(false);
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });

    // End session: registered post_logout_redirect_uri, state echoed, the sid session ended.
    const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token as string, post_logout_redirect_uri: LOGOUT_REDIRECT, state: 'bye' });
    const { sid: ownSid } = await userWithSession(h);
    const out = await get(end.href, { cookie: `sid=${ownSid}` });
    expect(out.status).toBe(302);
    expect(out.location).toBe(`${LOGOUT_REDIRECT}?state=bye`);
    const after = await authorize(config, { prompt: 'none' }, `sid=${ownSid}`);
    expect(after.callback?.searchParams.get('error')).toBe('login_required');
  });

  it('revocation of an access token makes it inactive and userinfo refuses it with WWW-Authenticate', async () => {
    const config = await discover('', confidential.id, confidential.secret);
    const { verifier, state, nonce, callback } = await authorize(config, { scope: 'openid email' });
    const tokens = await client.authorizationCodeGrant(config, callback as URL, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    // The org server: only email, name and preferred_username in an ID token issued with an access token.
    const claims = tokens.claims();
    expect(claims?.email).toBeDefined();
    expect(claims?.email_verified).toBeUndefined();
    await client.tokenRevocation(config, tokens.access_token);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    const res = await h.call('GET', '/oauth2/v1/userinfo', undefined, { authorization: `Bearer ${tokens.access_token}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const revoke = await postForm(`${h.baseUrl}/oauth2/v1/revoke`, { token: 'not-a-token' }, { authorization: `Basic ${Buffer.from(`${confidential.id}:${confidential.secret}`).toString('base64')}` });
    expect(revoke.status).toBe(200);
    expect(revoke.text).toBe('');
  });

  it('works for a public client with PKCE, and accepts AJS-style Basic base64(client_id) on introspect and revoke', async () => {
    const config = await discover('/oauth2/default', publicClient);
    const { verifier, state, nonce, callback } = await authorize(config);
    const tokens = await client.authorizationCodeGrant(config, callback as URL, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const basic = { authorization: `Basic ${Buffer.from(publicClient).toString('base64')}` };
    const introspect = await postForm(`${h.baseUrl}/oauth2/default/v1/introspect`, { token: tokens.access_token, token_type_hint: 'access_token' }, basic);
    expect(introspect.status).toBe(200);
    expect(introspect.json.active).toBe(true);
    const revoke = await postForm(`${h.baseUrl}/oauth2/default/v1/revoke`, { token: tokens.refresh_token as string }, basic);
    expect(revoke.status).toBe(200);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('client_credentials', () => {
  it('issues an access token for custom scopes on the default server only', async () => {
    const config = await discover('/oauth2/default', confidential.id, confidential.secret);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'api:read' });
    expect(tokens.scope).toBe('api:read');
    expect(tokens.id_token).toBeUndefined();
    const basic = { authorization: `Basic ${Buffer.from(`${confidential.id}:${confidential.secret}`).toString('base64')}` };
    const raw = await postForm(`${h.baseUrl}/oauth2/default/v1/token`, { grant_type: 'client_credentials', scope: 'api:read api:write' }, basic);
    expect(raw.status).toBe(200);
    expectOAuth('TokenResponse', raw.json);
    expect(raw.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'api:read api:write' });
    expect(raw.headers.get('cache-control')).toBe('no-store');
    const org = await postForm(`${h.baseUrl}/oauth2/v1/token`, { grant_type: 'client_credentials', scope: 'api:read' }, basic);
    expect(org.status).toBe(400);
    expect(org.json.error).toBe('unsupported_grant_type');
    const unknown = await postForm(`${h.baseUrl}/oauth2/default/v1/token`, { grant_type: 'client_credentials', scope: 'nope' }, basic);
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toBe('invalid_scope');
    expectOAuth('OAuthError', unknown.json);
    const post = await postForm(`${h.baseUrl}/oauth2/default/v1/token`, { grant_type: 'client_credentials', scope: 'api:read', client_id: confidential.id, client_secret: confidential.secret });
    // client_secret_post is refused for a client registered for client_secret_basic.
    expect(post.status).toBe(401);
    expect(post.json.error).toBe('invalid_client');
    const wrong = await postForm(`${h.baseUrl}/oauth2/default/v1/token`, { grant_type: 'client_credentials', scope: 'api:read' }, { authorization: `Basic ${Buffer.from(`${confidential.id}:wrong`).toString('base64')}` });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe('invalid_client');
  });
});

describe('OpenID Foundation basic OP negative cases', () => {
  it('shows an error page, never a redirect, for an unregistered redirect_uri or an unknown client', async () => {
    const config = await discover('/oauth2/default', confidential.id, confidential.secret);
    const cases: Record<string, string>[] = [{ redirect_uri: 'https://evil.example.com/callback' }, { redirect_uri: `${REDIRECT}/` }, { client_id: '0oaUnknownClient0000' }];
    for (const extra of cases) {
      const { res } = await authorize(config, extra);
      expect(res.status).toBe(400);
      expect(res.location).toBeNull();
      expect(res.text).toContain('<h1>Sign-in error</h1>');
    }
  });

  it('refuses a reused code and revokes the tokens it issued', async () => {
    const config = await discover('/oauth2/default', confidential.id, confidential.secret);
    const { verifier, state, nonce, callback } = await authorize(config);
    const tokens = await client.authorizationCodeGrant(config, callback as URL, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    await expect(client.authorizationCodeGrant(config, callback as URL, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce })).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    expect((await client.tokenIntrospection(config, tokens.refresh_token as string)).active).toBe(false);
  });

  it('refuses a missing or wrong code_verifier, and plain PKCE', async () => {
    const config = await discover('/oauth2/default', confidential.id, confidential.secret);
    const basic = { authorization: `Basic ${Buffer.from(`${confidential.id}:${confidential.secret}`).toString('base64')}` };
    for (const verifier of [undefined, client.randomPKCECodeVerifier()]) {
      const { callback } = await authorize(config);
      const form: Record<string, string> = { grant_type: 'authorization_code', code: callback?.searchParams.get('code') ?? '', redirect_uri: REDIRECT };
      if (verifier !== undefined) form.code_verifier = verifier;
      const res = await postForm(`${h.baseUrl}/oauth2/default/v1/token`, form, basic);
      expect(res.status).toBe(400);
      expect(res.json.error).toBe('invalid_grant');
    }
    const plain = await authorize(config, { code_challenge_method: 'plain', code_challenge: 'a'.repeat(43) });
    expect(plain.res.status).toBe(302);
    expect(plain.callback?.searchParams.get('error')).toBe('invalid_request');
    // A public client must send a challenge.
    const spa = await discover('/oauth2/default', publicClient);
    const url = new URL(`${h.baseUrl}/oauth2/default/v1/authorize`);
    url.search = new URLSearchParams({ client_id: publicClient, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's1' }).toString();
    const missing = await get(url.href, { cookie: `sid=${sid}` });
    expect(new URL(missing.location ?? 'x:/').searchParams.get('error')).toBe('invalid_request');
    expect(spa.clientMetadata().client_id).toBe(publicClient);
  });

  it('refuses alg none and foreign signatures at userinfo and introspection', async () => {
    const config = await discover('/oauth2/default', confidential.id, confidential.secret);
    const unsigned = new UnsecuredJWT({ ver: 1, jti: 'AT.forged', uid: userId, scp: ['openid'], cid: confidential.id })
      .setIssuer(`${h.baseUrl}/oauth2/default`).setAudience('api://default').setSubject('x').setIssuedAt().setExpirationTime('1h').encode();
    const res = await h.call('GET', '/oauth2/default/v1/userinfo', undefined, { authorization: `Bearer ${unsigned}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expect((await client.tokenIntrospection(config, unsigned)).active).toBe(false);
    const missing = await h.call('GET', '/oauth2/default/v1/userinfo');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers prompt=none without a session with login_required, echoing state', async () => {
    const config = await discover('/oauth2/default', confidential.id, confidential.secret);
    const { res, callback, state } = await authorize(config, { prompt: 'none' }, '');
    expect(res.status).toBe(302);
    expect(callback?.searchParams.get('error')).toBe('login_required');
    expect(callback?.searchParams.get('state')).toBe(state);
    const stale = await authorize(config, { prompt: 'none' }, 'sid=102AAAAAAAAAAAAAAAAAAAAAA');
    expect(stale.callback?.searchParams.get('error')).toBe('login_required');
  });

  it('requires state, and shows the hosted sign-in page without a session', async () => {
    const config = await discover('/oauth2/default', confidential.id, confidential.secret);
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
    const res = await get(url.href, { cookie: `sid=${sid}` });
    expect(new URL(res.location ?? 'x:/').searchParams.get('error')).toBe('invalid_request');
    const signIn = await authorize(config, {}, '');
    expect(signIn.res.status).toBe(200);
    expect(signIn.res.text).toContain('name="password"');
    expect(signIn.res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(signIn.res.headers.get('set-cookie')).toMatch(/lk_csrf=.*HttpOnly/);
  });
});

describe('implicit and response modes', () => {
  it('allows implicit only for clients registered for it, with nonce in the ID token and at_hash', async () => {
    const confidentialConfig = await discover('/oauth2/default', confidential.id, confidential.secret);
    const refused = await authorize(confidentialConfig, { response_type: 'token', scope: 'openid' });
    expect(new URL(refused.res.location ?? 'x:/').hash).toContain('error=unauthorized_client');

    const nonce = 'n-0S6_WzA2Mj';
    const url = new URL(`${h.baseUrl}/oauth2/default/v1/authorize`);
    url.search = new URLSearchParams({ client_id: publicClient, redirect_uri: REDIRECT, response_type: 'id_token token', scope: 'openid profile', state: 'st', nonce }).toString();
    const res = await get(url.href, { cookie: `sid=${sid}` });
    expect(res.status).toBe(302);
    const fragment = new URLSearchParams(new URL(res.location ?? 'x:/').hash.slice(1));
    expect(fragment.get('state')).toBe('st');
    const idToken = fragment.get('id_token') ?? '';
    const jwks = createRemoteJWKSet(new URL(`${h.baseUrl}/oauth2/default/v1/keys`));
    const { payload } = await jwtVerify(idToken, jwks, { algorithms: ['RS256'], audience: publicClient });
    expect(payload.nonce).toBe(nonce);
    expect(payload.at_hash).toBeTypeOf('string');
  });

  it('answers form_post and okta_post_message with script-free-inline pages under a strict CSP', async () => {
    const config = await discover('/oauth2/default', confidential.id, confidential.secret);
    const formPost = await authorize(config, { response_mode: 'form_post' });
    expect(formPost.res.status).toBe(200);
    expect(formPost.res.text).toContain(`action="${REDIRECT}"`);
    expect(formPost.res.text).toContain('name="code"');
    expect(formPost.res.text).not.toMatch(/<script>(?!<\/script>)/);
    const message = await authorize(config, { response_mode: 'okta_post_message' });
    expect(message.res.status).toBe(200);
    expect(message.res.headers.get('content-security-policy')).toMatch(/script-src 'self'.*frame-ancestors https:\/\/app\.example\.com/);
    const data = /<script type="application\/json" id="lk-data">(.*?)<\/script>/.exec(message.res.text)?.[1] ?? '{}';
    const parsed = JSON.parse(data) as { origin: string; data: Record<string, string> };
    expect(parsed.origin).toBe('https://app.example.com');
    expect(parsed.data.state).toBe(message.state);
    expect(parsed.data.code).toBeTypeOf('string');
    const script = await get(`${h.baseUrl}/oauth2/assets/post-message.js`);
    expect(script.text).toContain('postMessage(d.data, d.origin)');
  });
});

describe('signing key rotation', () => {
  it('signs with the new key, keeps the old one published through the grace period, then drops it', async () => {
    const before = (await h.call('GET', '/oauth2/v1/keys')).body.keys as Array<{ kid: string }>;
    const oldKid = before[0]?.kid;
    const { kid: newKid } = await h.latchkey.oidc.keys.rotate();
    const during = ((await h.call('GET', '/oauth2/v1/keys')).body.keys as Array<{ kid: string }>).map((k) => k.kid);
    expect(during).toContain(oldKid);
    expect(during[0]).toBe(newKid);

    const config = await discover('/oauth2/default', confidential.id, confidential.secret);
    const { verifier, state, nonce, callback } = await authorize(config);
    const tokens = await client.authorizationCodeGrant(config, callback as URL, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(decodeProtectedHeader(tokens.id_token as string).kid).toBe(newKid);
    expect(decodeProtectedHeader(tokens.access_token).kid).toBe(newKid);

    h.clock.advance((h.config.oidc.keyGraceSeconds + 1) * 1000);
    const after = ((await h.call('GET', '/oauth2/v1/keys')).body.keys as Array<{ kid: string }>).map((k) => k.kid);
    expect(after).toEqual([newKid]);
  });
});
