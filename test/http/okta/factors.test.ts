import type { Client } from '@okta/okta-sdk-nodejs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode } from '../../../src/core/otp/base32.js';
import { totp } from '../../../src/core/otp/totp.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { expectOkta } from '../../support/okta-schemas.js';
import { createApiToken, oktaClient, type CapturedResponse } from '../../support/okta-sdk.js';
import { answerPushMail, openPushPage, pushPagePath, submitPushPage } from '../../support/push-page.js';
import { extractOtp } from '../../support/smtp-sink.js';

let seq = 0;
const unique = (tag: string) => `${tag}.${process.pid}.${Date.now().toString(36)}.${++seq}@example.com`;

type Json = Record<string, unknown>;
type SdkError = { status: number; errorCode: string; errorSummary: string; errorCauses: { errorSummary: string }[] };

/** The management.yaml schema each Factors API answer must match (as NSDK deserialises it). */
function schemaFor(r: CapturedResponse): { name: string; array?: boolean } | null {
  const path = new URL(r.url).pathname;
  if (r.status >= 400) return { name: 'ModelError' };
  if (r.body === undefined) return null;
  if (path.endsWith('/factors/catalog')) return { name: 'UserFactorSupported', array: true };
  if (/\/factors$/.test(path) && r.method === 'GET') return { name: 'UserFactor', array: true };
  if (path.includes('/transactions/')) return { name: 'UserFactorPushTransaction' };
  if (path.endsWith('/verify')) return { name: r.status === 201 ? 'UserFactorVerifyResponseWaiting' : 'UserFactorVerifyResponse' };
  if (path.endsWith('/resend')) return { name: 'ResendUserFactor' };
  return { name: 'UserFactor' };
}

describe('Factors API with @okta/okta-sdk-nodejs', () => {
  let h: Harness;
  let client: Client;
  let settle: () => Promise<CapturedResponse[]>;
  let last: CapturedResponse[] = [];
  let validated = 0;
  let token: string;

  beforeAll(async () => {
    h = await startHarness();
    ({ token } = await createApiToken(h, 'factors-test'));
    ({ client, settle } = oktaClient(h, token));
  });
  afterAll(async () => {
    await h.close();
    expect(validated).toBeGreaterThan(30);
  });
  afterEach(async () => {
    for (const response of await settle()) {
      const schema = schemaFor(response);
      if (schema === null) continue;
      expectOkta(schema.name, response.body, schema.array === true ? { array: true } : {});
      validated++;
    }
  });

  /** The raw JSON of the SDK's most recent response (the SDK's models drop nothing, but raw is exact). */
  const lastBody = async (): Promise<Json> => {
    last = await settle();
    for (const response of last) {
      const schema = schemaFor(response);
      if (schema !== null) {
        expectOkta(schema.name, response.body, schema.array === true ? { array: true } : {});
        validated++;
      }
    }
    const body = last[last.length - 1]?.body;
    return body as Json;
  };
  const sdkError = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected an OktaApiError');
      },
      (e: unknown) => e as SdkError,
    );
  const newUser = async (): Promise<{ id: string; email: string }> => {
    const email = unique('factor');
    const user = await client.userApi.createUser({
      body: { profile: { firstName: 'Fay', lastName: 'Tor', email, login: email }, credentials: { password: { value: 'Tr0ub4dor&3-horse' } } },
    });
    return { id: user.id ?? '', email };
  };

  it('lists the catalog and an empty factor list', async () => {
    const user = await newUser();
    const catalog = await client.userFactorApi.listSupportedFactors({ userId: user.id });
    const entries: Json[] = [];
    for await (const entry of catalog) entries.push(entry as unknown as Json);
    expect(entries.map((e) => `${String(e.factorType)}/${String(e.provider)}/${String(e.status)}`).sort()).toEqual([
      'email/OKTA/NOT_SETUP',
      'push/OKTA/NOT_SETUP',
      'token:software:totp/GOOGLE/NOT_SETUP',
      'token:software:totp/OKTA/NOT_SETUP',
    ]);
    const list = await client.userFactorApi.listFactors({ userId: user.id });
    const factors: unknown[] = [];
    for await (const f of list) factors.push(f);
    expect(factors).toEqual([]);
    const unknownUser = await sdkError(client.userFactorApi.listFactors({ userId: '00uNOPE000000000000' }).then(async (c) => {
      for await (const _ of c) void _;
    }));
    expect(unknownUser).toMatchObject({ status: 404, errorCode: 'E0000007' });
  });

  it('TOTP: enroll → QR image → activate with a code → verify → replay refused → wrong code', async () => {
    const user = await newUser();
    await client.userFactorApi.enrollFactor({ userId: user.id, body: { factorType: 'token:software:totp', provider: 'GOOGLE' } });
    const enrolled = await lastBody();
    expect(enrolled).toMatchObject({
      id: expect.stringMatching(/^uft[0-9A-Za-z]{17}$/),
      factorType: 'token:software:totp',
      provider: 'GOOGLE',
      vendorName: 'GOOGLE',
      status: 'PENDING_ACTIVATION',
      profile: { credentialId: user.email },
      _links: { activate: { hints: { allow: ['POST'] } }, self: { hints: { allow: ['GET', 'DELETE'] } }, user: { hints: { allow: ['GET'] } } },
    });
    const activation = (enrolled._embedded as { activation: Json }).activation;
    expect(activation).toMatchObject({ timeStep: 30, encoding: 'base32', keyLength: 6, sharedSecret: expect.stringMatching(/^[A-Z2-7]{32}$/) });
    const secret = base32Decode(String(activation.sharedSecret));
    const factorId = String(enrolled.id);

    // The QR code: rendered here, PNG, behind an unguessable ticket that carries no secret in clear.
    const qr = (activation._links as { qrcode: { href: string; type: string } }).qrcode;
    expect(qr.type).toBe('image/png');
    expect(qr.href).not.toContain(String(activation.sharedSecret));
    const image = await h.call('GET', new URL(qr.href).pathname + new URL(qr.href).search);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-frame-options')).toBe('DENY');
    expect(image.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(Buffer.from(image.text, 'latin1').subarray(1, 4).toString()).toBe('PNG');
    expect((await h.call('GET', '/authenticator/qr?ticket=v1.00000000.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);

    // At rest the secret is sealed.
    const row = await h.latchkey.database.db.selectFrom('factors').select(['secret']).where('id', '=', factorId).executeTakeFirstOrThrow();
    expect(row.secret).toMatch(/^v1\./);
    expect(row.secret).not.toContain(String(activation.sharedSecret));

    const wrong = await sdkError(client.userFactorApi.activateFactor({ userId: user.id, factorId, body: { passCode: '000000' === totp(secret, h.clock.now()) ? '111111' : '000000' } }));
    expect(wrong).toMatchObject({ status: 403, errorCode: 'E0000068' });
    await client.userFactorApi.activateFactor({ userId: user.id, factorId, body: { passCode: totp(secret, h.clock.now()) } });
    expect(await lastBody()).toMatchObject({ id: factorId, status: 'ACTIVE', _links: { verify: { hints: { allow: ['POST'] } } } });

    // The activation code's step is used: the same code (or any of that step) is a replay.
    const replay = await sdkError(client.userFactorApi.verifyFactor({ userId: user.id, factorId, body: { passCode: totp(secret, h.clock.now()) } }));
    expect(replay).toMatchObject({ status: 403, errorCode: 'E0000082' });

    h.clock.advance(30_000);
    const code = totp(secret, h.clock.now());
    await client.userFactorApi.verifyFactor({ userId: user.id, factorId, body: { passCode: code } });
    expect(await lastBody()).toEqual({ factorResult: 'SUCCESS' });
    expect(await sdkError(client.userFactorApi.verifyFactor({ userId: user.id, factorId, body: { passCode: code } }))).toMatchObject({
      status: 403,
      errorCode: 'E0000082',
    });
    // One step of drift either way is accepted; further is not.
    h.clock.advance(30_000);
    await client.userFactorApi.verifyFactor({ userId: user.id, factorId, body: { passCode: totp(secret, new Date(h.clock.now().getTime() + 30_000)) } });
    expect(await lastBody()).toEqual({ factorResult: 'SUCCESS' });
    h.clock.advance(120_000);
    const stale = totp(secret, new Date(h.clock.now().getTime() - 60_000));
    const current = totp(secret, h.clock.now());
    expect(await sdkError(client.userFactorApi.verifyFactor({ userId: user.id, factorId, body: { passCode: stale === current ? '123456' : stale } }))).toMatchObject({
      status: 403,
      errorCode: 'E0000068',
      errorCauses: [{ errorSummary: "Your passcode doesn't match our records. Please try again." }],
    });
  });

  it('TOTP activation: more than 5 attempts in 5 minutes → 429 E0000047; the OKTA provider gets an ost id', async () => {
    const user = await newUser();
    await client.userFactorApi.enrollFactor({ userId: user.id, body: { factorType: 'token:software:totp', provider: 'OKTA' } });
    const enrolled = await lastBody();
    expect(enrolled.id).toMatch(/^ost/);
    const secret = base32Decode(String((enrolled._embedded as { activation: Json }).activation.sharedSecret));
    const right = totp(secret, h.clock.now());
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) {
      expect(await sdkError(client.userFactorApi.activateFactor({ userId: user.id, factorId: String(enrolled.id), body: { passCode: wrong } }))).toMatchObject({ status: 403, errorCode: 'E0000068' });
    }
    // Plain HTTP for the 429: NSDK would wait until X-Rate-Limit-Reset (5 min) and retry, as it does against Okta.
    const limited = await h.post(`/api/v1/users/${user.id}/factors/${String(enrolled.id)}/lifecycle/activate`, { passCode: right }, { authorization: `SSWS ${token}` });
    expect(limited.status, limited.text).toBe(429);
    expect(limited.body).toMatchObject({ errorCode: 'E0000047' });
    expectOkta('ModelError', limited.body);
    expect(Number(limited.headers.get('x-rate-limit-reset'))).toBeGreaterThan(h.clock.now().getTime() / 1000);
  });

  it('email: enroll (tokenLifetimeSeconds) → activate with the mailed code → challenge → verify → resend → delete', async () => {
    const user = await newUser();
    const bad = await sdkError(
      client.userFactorApi.enrollFactor({ userId: user.id, tokenLifetimeSeconds: 100_000, body: { factorType: 'email', provider: 'OKTA', profile: { email: user.email } } }),
    );
    expect(bad).toMatchObject({ status: 400, errorCode: 'E0000001' });
    let after = h.sink.messages.length;
    await client.userFactorApi.enrollFactor({ userId: user.id, tokenLifetimeSeconds: 600, body: { factorType: 'email', provider: 'OKTA', profile: { email: user.email } } });
    const enrolled = await lastBody();
    expect(enrolled).toMatchObject({ id: expect.stringMatching(/^emf/), status: 'PENDING_ACTIVATION', profile: { email: user.email } });
    expect(enrolled._links).toMatchObject({ resend: { name: 'email', hints: { allow: ['POST'] } } });
    const factorId = String(enrolled.id);
    const activationCode = extractOtp(await h.sink.waitForMail(user.email, { after }));

    // Resend (after Okta's 5 s) kills the first code.
    h.clock.advance(5_000);
    after = h.sink.messages.length;
    await client.userFactorApi.resendEnrollFactor({ userId: user.id, factorId, resendUserFactor: { factorType: 'email', provider: 'OKTA', profile: { email: user.email } } } as never);
    await lastBody();
    const resent = extractOtp(await h.sink.waitForMail(user.email, { after }));
    if (resent !== activationCode) {
      expect(await sdkError(client.userFactorApi.activateFactor({ userId: user.id, factorId, body: { passCode: activationCode } }))).toMatchObject({ status: 403, errorCode: 'E0000068' });
    }
    await client.userFactorApi.activateFactor({ userId: user.id, factorId, body: { passCode: resent } });
    expect(await lastBody()).toMatchObject({ status: 'ACTIVE' });

    h.clock.advance(5_000);
    after = h.sink.messages.length;
    await client.userFactorApi.verifyFactor({ userId: user.id, factorId });
    const challenge = await lastBody();
    expect(challenge).toMatchObject({
      factorResult: 'CHALLENGE',
      _links: { verify: { hints: { allow: ['POST'] } }, factor: { hints: { allow: ['GET', 'DELETE'] } } },
    });
    const code = extractOtp(await h.sink.waitForMail(user.email, { after }));
    await client.userFactorApi.verifyFactor({ userId: user.id, factorId, body: { passCode: code } });
    expect(await lastBody()).toEqual({ factorResult: 'SUCCESS' });
    expect(await sdkError(client.userFactorApi.verifyFactor({ userId: user.id, factorId, body: { passCode: code } }))).toMatchObject({ status: 403, errorCode: 'E0000068' });

    const got = await client.userFactorApi.getFactor({ userId: user.id, factorId });
    expect(got.id).toBe(factorId);
    const list = await client.userFactorApi.listFactors({ userId: user.id });
    const ids: string[] = [];
    for await (const f of list) ids.push(String(f?.id));
    expect(ids).toEqual([factorId]);
    await client.userFactorApi.unenrollFactor({ userId: user.id, factorId });
    expect(await sdkError(client.userFactorApi.getFactor({ userId: user.id, factorId }))).toMatchObject({ status: 404, errorCode: 'E0000007' });
  });

  describe('push', () => {
    /** A user with an ACTIVE push factor, enrolled by approving the activation email. */
    const pushUser = async () => {
      const user = await newUser();
      const after = h.sink.messages.length;
      await client.userFactorApi.enrollFactor({ userId: user.id, body: { factorType: 'push', provider: 'OKTA' } });
      const enrolled = await lastBody();
      expect(enrolled).toMatchObject({ id: expect.stringMatching(/^opf/), status: 'PENDING_ACTIVATION', _embedded: { activation: { factorResult: 'WAITING' } } });
      const factorId = String(enrolled.id);
      // Not yet approved: activation is refused.
      const early = await sdkError(client.userFactorApi.activateFactor({ userId: user.id, factorId }));
      expect(early, JSON.stringify(early)).toMatchObject({ status: 403, errorCode: 'E0000079' });
      const mail = await h.sink.waitForMail(user.email, { after });
      expect(mail.subject).toMatch(/push authenticator/);
      await answerPushMail(h, mail, 'approve');
      await client.userFactorApi.getFactor({ userId: user.id, factorId });
      expect(await lastBody()).toMatchObject({ status: 'ACTIVE' });
      return { ...user, factorId };
    };

    const challenge = async (user: { id: string; email: string; factorId: string }) => {
      const after = h.sink.messages.length;
      await client.userFactorApi.verifyFactor({ userId: user.id, factorId: user.factorId });
      const waiting = await lastBody();
      expect(last[last.length - 1]?.status).toBe(201);
      expect(waiting).toMatchObject({ factorResult: 'WAITING', expiresAt: expect.any(String), _links: { poll: { hints: { allow: ['GET'] } }, cancel: { hints: { allow: ['DELETE'] } } } });
      const poll = (waiting._links as { poll: { href: string } }).poll.href;
      const transactionId = decodeURIComponent(poll.split('/transactions/')[1] ?? '');
      expect(transactionId).toMatch(/^v2mst\./);
      const mail = await h.sink.waitForMail(user.email, { after });
      return { transactionId, mail };
    };
    const status = async (user: { id: string; factorId: string }, transactionId: string) => {
      await client.userFactorApi.getFactorTransactionStatus({ userId: user.id, factorId: user.factorId, transactionId });
      return lastBody();
    };

    it('challenge → email page (time, IP, user agent) → approve → poll SUCCESS, once', async () => {
      const user = await pushUser();
      const { transactionId, mail } = await challenge(user);
      expect(await status(user, transactionId)).toMatchObject({ factorResult: 'WAITING', _links: { poll: {}, cancel: {} } });

      const path = pushPagePath(mail);
      const form = await openPushPage(h, path);
      expect(form.page.text).toContain('Sign in to Latchkey');
      expect(form.page.text).toContain('127.0.0.1');
      expect(form.page.text).toMatch(/okta-sdk-nodejs/);
      expect(form.page.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
      expect(form.page.headers.get('content-security-policy')).not.toContain('script-src');
      expect(form.page.headers.get('x-frame-options')).toBe('DENY');
      expect(form.page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(form.page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);

      // CSRF: no cookie, a wrong token, or another site's form are refused.
      expect((await submitPushPage(h, path, { cookie: 'lk_push_csrf=x', csrf: form.csrf }, 'approve')).status).toBe(403);
      expect((await submitPushPage(h, path, form, 'approve', { origin: 'https://evil.example' })).status).toBe(403);
      expect((await submitPushPage(h, path, form, 'approve', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
      expect(await status(user, transactionId)).toMatchObject({ factorResult: 'WAITING' });

      const approved = await submitPushPage(h, path, form, 'approve');
      expect(approved.status, approved.text).toBe(200);
      // The link is single use.
      expect((await submitPushPage(h, path, form, 'deny')).status).toBe(409);
      expect(await status(user, transactionId)).toEqual({ factorResult: 'SUCCESS' });
      // One approval completes one verification.
      expect(await sdkError(client.userFactorApi.getFactorTransactionStatus({ userId: user.id, factorId: user.factorId, transactionId }))).toMatchObject({ status: 403 });
    });

    it('deny → REJECTED; no answer → TIMEOUT; a transaction of another factor is not found; cancel', async () => {
      const user = await pushUser();
      const denied = await challenge(user);
      await answerPushMail(h, denied.mail, 'deny');
      expect(await status(user, denied.transactionId)).toMatchObject({ factorResult: 'REJECTED', _links: { verify: {}, factor: {} } });

      const ignored = await challenge(user);
      h.clock.advance(h.config.factors.pushLifetimeSeconds * 1000);
      expect(await status(user, ignored.transactionId)).toMatchObject({ factorResult: 'TIMEOUT', _links: { verify: {} } });
      // Too late to answer.
      const path = pushPagePath(ignored.mail);
      const page = await h.call('GET', path);
      expect(page.text).toContain('expired');
      expect(page.text).not.toContain('<form');

      const other = await pushUser();
      expect(await sdkError(client.userFactorApi.getFactorTransactionStatus({ userId: other.id, factorId: other.factorId, transactionId: ignored.transactionId }))).toMatchObject({
        status: 404,
        errorCode: 'E0000007',
      });

      const cancelled = await challenge(user);
      const res = await h.call('DELETE', `/api/v1/users/${user.id}/factors/${user.factorId}/transactions/${cancelled.transactionId}`, undefined, {
        authorization: `SSWS ${token}`,
      });
      expect(res.status).toBe(204);
      expect(await status(user, cancelled.transactionId)).toMatchObject({ factorResult: 'REJECTED' });
    });
  });
});
