import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../support/harness.js';
import { registerActiveUser } from '../../support/api-helpers.js';
import { extractOtp } from '../../support/smtp-sink.js';
import { get, startOidcHarness } from '../../support/oidc-harness.js';

const REDIRECT = 'https://app.example.com/callback';
let h: Harness;

beforeAll(async () => {
  h = await startOidcHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Seed 000, step 1: /api/v1/authn with password, then the emailed code, until SUCCESS. */
async function sessionTokenFor(email: string, password: string): Promise<string | null> {
  const first = await h.post('/api/v1/authn', { username: email, password, options: { multiOptionalFactorEnroll: false, warnBeforePasswordExpired: false } });
  if (first.status === 404) return null;
  expect(first.status, first.text).toBe(200);
  if (first.body.status === 'SUCCESS') return first.body.sessionToken as string;
  expect(first.body.status).toBe('MFA_REQUIRED');
  const stateToken = first.body.stateToken as string;
  const factors = (first.body._embedded as { factors: Array<{ factorType: string; _links: { verify: { href: string } } }> }).factors;
  const email0 = factors.find((f) => f.factorType === 'email');
  const verify = new URL(email0?._links.verify.href ?? '').pathname;
  const after = h.sink.messages.length;
  h.clock.advance(h.config.otp.resendIntervalSeconds * 1000);
  const challenge = await h.post(verify, { stateToken });
  expect(challenge.status, challenge.text).toBe(200);
  const passCode = extractOtp(await h.sink.waitForMail(email, { after }));
  const done = await h.post(verify, { stateToken, passCode });
  expect(done.status, done.text).toBe(200);
  expect(done.body.status).toBe('SUCCESS');
  return done.body.sessionToken as string;
}

describe('sessionToken at /authorize (seed 000)', () => {
  it('answers one redirect with a code, sets sid, and the sessionToken works only once', async (ctx) => {
    const user = await registerActiveUser(h);
    const sessionToken = await sessionTokenFor(user.email, user.password);
    if (sessionToken === null) ctx.skip();
    const { client: registered } = await h.latchkey.oidc.clients.create({ clientName: 'spa', redirectUris: [REDIRECT], tokenEndpointAuthMethod: 'none' });
    const config = await client.discovery(new URL(`${h.baseUrl}/oauth2/default`), registered.clientId, { redirect_uris: [REDIRECT] }, client.None(), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const params = {
      redirect_uri: REDIRECT,
      scope: 'openid profile email',
      state: 'st-1',
      nonce: 'nonce-1',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      prompt: 'none',
      sessionToken: sessionToken ?? '',
    };
    const res = await get(client.buildAuthorizationUrl(config, params).href);
    expect(res.status).toBe(302);
    expect(res.headers.get('set-cookie')).toMatch(/sid=102[0-9A-Za-z]{22}; Path=\/; HttpOnly/);
    const callback = new URL(res.location ?? 'x:/');
    expect(callback.searchParams.get('code')).toBeTruthy();
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st-1', expectedNonce: 'nonce-1' });
    expect(tokens.claims()).toMatchObject({ sub: user.userId, amr: expect.arrayContaining(['pwd']) });

    const again = await get(client.buildAuthorizationUrl(config, { ...params, state: 'st-2' }).href);
    expect(new URL(again.location ?? 'x:/').searchParams.get('error')).toBe('login_required');
  });
});
