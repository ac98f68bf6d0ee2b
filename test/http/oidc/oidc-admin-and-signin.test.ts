import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../support/harness.js';
import { registerActiveUser } from '../../support/api-helpers.js';
import { createApiToken } from '../../support/okta-sdk.js';
import { extractOtp } from '../../support/smtp-sink.js';
import { get, postForm, startOidcHarness } from '../../support/oidc-harness.js';
import { expectOAuth } from '../../support/oauth-schemas.js';

const REDIRECT = 'https://app.example.com/callback';
let h: Harness;
let ssws: string;

beforeAll(async () => {
  h = await startOidcHarness();
  ssws = (await createApiToken(h)).token;
});
afterAll(async () => {
  await h?.close();
});

const json = (method: string, path: string, body?: unknown, token: string | null = ssws) =>
  h.call(method, path, body, token === null ? {} : { authorization: `SSWS ${token}` });

describe('client registration API (SSWS)', () => {
  it('creates, lists, reads and deletes clients; the secret is shown once and stored hashed', async () => {
    const created = await json('POST', '/oauth2/v1/clients', {
      client_name: 'Portal',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    expect(created.status, created.text).toBe(201);
    expectOAuth('Client', created.body);
    const clientId = created.body.client_id as string;
    const secret = created.body.client_secret as string;
    expect(clientId).toMatch(/^0oa[0-9A-Za-z]{17}$/);
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(created.body).toMatchObject({ response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' });

    const row = await h.latchkey.database.db.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret);

    const list = await json('GET', '/oauth2/v1/clients');
    expect(list.status).toBe(200);
    expect(JSON.parse(list.text)).toEqual(expect.arrayContaining([expect.objectContaining({ client_id: clientId })]));
    expect(list.text).not.toContain(secret);
    const one = await json('GET', `/oauth2/v1/clients/${clientId}`);
    expect(one.body.client_name).toBe('Portal');

    // client_secret_post works at /token for this client.
    const cc = await postForm(`${h.baseUrl}/oauth2/default/v1/token`, { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT, client_id: clientId, client_secret: secret });
    expect(cc.json.error).toBe('invalid_grant');

    expect((await json('DELETE', `/oauth2/v1/clients/${clientId}`)).status).toBe(204);
    expect((await json('GET', `/oauth2/v1/clients/${clientId}`)).status).toBe(404);
    expect((await json('DELETE', `/oauth2/v1/clients/${clientId}`)).status).toBe(404);
  });

  it('refuses calls without a valid SSWS token and invalid metadata', async () => {
    expect((await json('GET', '/oauth2/v1/clients', undefined, null)).status).toBe(403);
    const bad = await json('GET', '/oauth2/v1/clients', undefined, 'not-a-token');
    expect(bad.status).toBe(401);
    const invalid = await json('POST', '/oauth2/v1/clients', { client_name: 'x', redirect_uris: ['https://a.example.com/cb#frag'] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toBe('invalid_client_metadata');
    const implicitWithoutGrant = await json('POST', '/oauth2/v1/clients', { client_name: 'x', redirect_uris: [REDIRECT], response_types: ['token'] });
    expect(implicitWithoutGrant.status).toBe(400);
  });
});

describe('hosted sign-in page', () => {
  it('signs in with password and emailed code (CSRF-protected), sets sid and returns to /authorize', async () => {
    const user = await registerActiveUser(h);
    const { client: registered, clientSecret } = await h.latchkey.oidc.clients.create({ clientName: 'web', redirectUris: [REDIRECT] });
    const config = await client.discovery(new URL(`${h.baseUrl}/oauth2/default`), registered.clientId, { redirect_uris: [REDIRECT] }, client.ClientSecretBasic(clientSecret ?? ''), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid email', state: 'st', nonce: 'nn', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', prompt: 'login' });
    const page = await get(url.href);
    expect(page.status).toBe(200);
    const csrfCookie = /lk_csrf=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const field = (name: string, html: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const authorizeField = field('authorize', page.text);
    expect(authorizeField).toMatch(/^\/oauth2\/default\/v1\/authorize\?/);
    expect(authorizeField).not.toContain('prompt=login');

    // Without the CSRF cookie the form is refused.
    const forged = await postForm(`${h.baseUrl}/oauth2/signin`, { authorize: authorizeField, csrf: field('csrf', page.text), username: user.email, password: user.password });
    expect(forged.status).toBe(403);

    const wrong = await postForm(`${h.baseUrl}/oauth2/signin`, { authorize: authorizeField, csrf: field('csrf', page.text), username: user.email, password: 'wrong password!' }, { cookie: `lk_csrf=${csrfCookie}` });
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('Sign-in failed');

    h.clock.advance(h.config.otp.resendIntervalSeconds * 1000);
    const csrf2 = /lk_csrf=([^;]+)/.exec(wrong.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const after = h.sink.messages.length;
    const step1 = await postForm(`${h.baseUrl}/oauth2/signin`, { authorize: authorizeField, csrf: field('csrf', wrong.text), username: user.email, password: user.password }, { cookie: `lk_csrf=${csrf2}` });
    expect(step1.status).toBe(200);
    expect(step1.text).toContain('name="passcode"');
    const sid = /sid=([^;]+)/.exec(step1.headers.get('set-cookie') ?? '')?.[1] ?? '';
    expect(step1.headers.get('set-cookie')).toMatch(/sid=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
    const otp = extractOtp(await h.sink.waitForMail(user.email, { after }));
    const csrf3 = /lk_csrf=([^;]+)/.exec(step1.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const step2 = await postForm(`${h.baseUrl}/oauth2/signin/verify`, { authorize: authorizeField, csrf: field('csrf', step1.text), passcode: otp }, { cookie: `lk_csrf=${csrf3}; sid=${sid}` });
    expect(step2.status).toBe(303);
    const back = await get(`${h.baseUrl}${step2.headers.get('location') ?? ''}`, { cookie: `sid=${sid}` });
    expect(back.status).toBe(302);
    const callback = new URL(back.location ?? 'x:/');
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st', expectedNonce: 'nn' });
    expect(tokens.claims()?.amr).toEqual(['pwd', 'otp', 'mfa']);
  });
});
