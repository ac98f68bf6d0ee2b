import { createHmac } from 'node:crypto';
import { decodeJwt, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload, type KeyInput } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness.js';
import { activeSession, expectOktaError, registerActiveUser, type TestUser } from '../../support/api-helpers.js';

/**
 * /api/sso: grant codes are short-lived, single use and bound to their session; the verifier
 * accepts only HS256 tokens signed with our key, from our issuer, within their lifetime.
 */
describe('SSO grant codes and tokens', () => {
  let h: Harness;
  let user: TestUser;
  let sessionId: string;
  beforeAll(async () => {
    h = await startHarness();
    user = await registerActiveUser(h);
    sessionId = await activeSession(h, user);
  });
  afterAll(async () => {
    await h?.close();
  });

  const grant = async (sid = sessionId): Promise<string> => {
    const res = await h.post('/api/sso/grant', { sessionId: sid });
    expect(res.status, res.text).toBe(200);
    return res.body.code as string;
  };
  const exchange = (code: string) => h.post('/api/sso/token', { code });
  const verify = (token: string) => h.post('/api/sso/verify', { token });
  const realToken = async (): Promise<string> => {
    const res = await exchange(await grant());
    expect(res.status, res.text).toBe(200);
    return res.body.token as string;
  };

  it('a grant code expires after GRANT_LIFETIME_SECONDS', async () => {
    const lifetime = h.config.grantLifetimeSeconds * 1000;
    expect(lifetime).toBe(60_000);
    const justInTime = await grant();
    h.clock.advance(lifetime - 1_000);
    expect((await exchange(justInTime)).status).toBe(200);

    const tooLate = await grant();
    h.clock.advance(lifetime);
    expectOktaError(await exchange(tooLate), 401, 'E0000011');
  });

  it('is single use under 20 parallel exchanges: exactly one 200', async () => {
    const code = await grant();
    const answers = await Promise.all(Array.from({ length: 20 }, () => exchange(code)));
    const ok = answers.filter((r) => r.status === 200);
    expect(ok.length).toBe(1);
    for (const res of answers.filter((r) => r.status !== 200)) expectOktaError(res, 401, 'E0000011');
    expect((await verify(ok[0]!.body.token as string)).status).toBe(200);
  });

  it('dies with its session: logout before the exchange kills the code', async () => {
    const other = await activeSession(h, user);
    const doomed = await grant(other);
    const survivor = await grant();
    expect((await h.post('/api/logout', { sessionId: other })).status).toBe(200);
    expectOktaError(await exchange(doomed), 401, 'E0000011');
    // A code from another, still live session of the same user is unaffected.
    expect((await exchange(survivor)).status).toBe(200);
    // A dead session cannot ask for new codes.
    expectOktaError(await h.post('/api/sso/grant', { sessionId: other }), 401, 'E0000005');
  });

  it('refuses made-up codes', async () => {
    for (const code of ['x', 'A'.repeat(43), (await grant()).slice(0, -1) + '_']) {
      expectOktaError(await exchange(code), 401, 'E0000011');
    }
  });

  describe('/api/sso/verify', () => {
    let token: string;
    let claims: JWTPayload;
    let secret: Uint8Array;
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

    beforeAll(async () => {
      token = await realToken();
      claims = decodeJwt(token);
      const configured = h.config.jwtSecret;
      if (configured === undefined) throw new Error('the harness sets JWT_SECRET');
      secret = new Uint8Array(Buffer.from(configured, 'utf8'));
    });

    /** `signingInput` + its HS256 signature under our key, whatever the parts contain. */
    const hs256 = (signingInput: string) => `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
    const sign = (payload: JWTPayload, alg = 'HS256', key: KeyInput = secret) =>
      new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);

    it('accepts the real token, and a token we sign ourselves with the right key, alg and issuer (control)', async () => {
      const real = await verify(token);
      expect(real.status, real.text).toBe(200);
      expect(real.body).toMatchObject({ email: user.email, login: user.email.toLowerCase() });
      const forged = await verify(await sign({ ...claims, firstName: 'Forged' }));
      expect(forged.status, forged.text).toBe(200);
      expect(forged.body.firstName).toBe('Forged');
    });

    const forgeries: Array<[string, () => Promise<string>]> = [
      ['alg none (jose UnsecuredJWT)', async () => new UnsecuredJWT({ ...claims }).encode()],
      ['alg none, hand-made, empty signature', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
      ['alg NONE, real signature kept', async () => `${b64({ alg: 'NONE', typ: 'JWT' })}.${b64(claims)}.${token.split('.')[2]}`],
      ['HS512 with the same secret', () => sign(claims, 'HS512')],
      ['HS384 with the same secret', () => sign(claims, 'HS384')],
      ['HS256 with another secret', () => sign(claims, 'HS256', new Uint8Array(Buffer.from('another-secret-that-is-also-32-bytes-long!!')))],
      [
        'RS256 with a fresh RSA key',
        async () => {
          const { privateKey } = await generateKeyPair('RS256');
          return sign(claims, 'RS256', privateKey);
        },
      ],
      [
        'ES256 with a fresh EC key',
        async () => {
          const { privateKey } = await generateKeyPair('ES256');
          return sign(claims, 'ES256', privateKey);
        },
      ],
      [
        'tampered payload (email changed, signature kept)',
        async () => {
          const [header, , signature] = token.split('.');
          return `${header}.${b64({ ...claims, email: 'attacker@example.com' })}.${signature}`;
        },
      ],
      [
        'tampered signature (one character changed)',
        async () => {
          const [header, payload, signature = ''] = token.split('.');
          const flipped = (signature[5] === 'A' ? 'B' : 'A') + '';
          return `${header}.${payload}.${signature.slice(0, 5)}${flipped}${signature.slice(6)}`;
        },
      ],
      ['signature removed', async () => token.split('.').slice(0, 2).join('.') + '.'],
      ['wrong iss', () => sign({ ...claims, iss: 'https://evil.example.com' })],
      ['no iss', () => sign({ ...claims, iss: undefined })],
      ['no sub', () => sign({ ...claims, sub: undefined })],
      ['no exp', () => sign({ ...claims, exp: undefined })],
      ['expired exp (signed by us)', async () => sign({ ...claims, exp: (claims.iat ?? 0) - 3600 })],
      ['not yet valid (nbf in an hour)', async () => sign({ ...claims, nbf: (claims.iat ?? 0) + 3600 })],
      ['garbage: abc', async () => 'abc'],
      ['garbage: a.b.c', async () => 'a.b.c'],
      ['garbage: dots only', async () => '....'],
      ['garbage: empty JSON parts', async () => 'e30.e30.'],
      ['garbage: header is JSON null', async () => `${b64(null)}.${b64(claims)}.sig`],
      ['payload is a JSON array (signed by us)', async () => hs256(`${b64({ alg: 'HS256', typ: 'JWT' })}.${b64([1, 2, 3])}`)],
      ['payload is not JSON (signed by us)', async () => hs256(`${b64({ alg: 'HS256', typ: 'JWT' })}.${Buffer.from('not json').toString('base64url')}`)],
      ['garbage: five parts (JWE shape)', async () => 'a.b.c.d.e'],
      ['garbage: the token twice', async () => `${token}${token}`],
      ['garbage: 8 KB of base64url', async () => 'A'.repeat(8192)],
      ['garbage: whitespace around the real token', async () => ` ${token} `],
    ];

    it.each(forgeries)('refuses %s with 401 E0000011', async (_label, make) => {
      const res = await verify(await make());
      expectOktaError(res, 401, 'E0000011');
      expect(res.body.email).toBeUndefined();
    });

    it('refuses the real token once it expired (10 h, plus the clock skew)', async () => {
      const exp = claims.exp ?? 0;
      expect(exp - (claims.iat ?? 0)).toBe(36_000);
      const start = h.clock.now();
      try {
        h.clock.set(new Date((exp - 1) * 1000));
        expect((await verify(token)).status).toBe(200);
        h.clock.set(new Date((exp + 61) * 1000));
        expectOktaError(await verify(token), 401, 'E0000011');
        h.clock.set(new Date(start.getTime() + 10 * 3_600_000 + 5 * 60_000));
        expectOktaError(await verify(token), 401, 'E0000011');
      } finally {
        h.clock.set(start);
      }
    });
  });
});
