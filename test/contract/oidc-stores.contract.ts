import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/core/errors.js';
import type { OAuthClient } from '../../src/core/oidc/oauth-client.js';
import type { AuthorizationCode, IssuedToken } from '../../src/core/oidc/oauth-grant.js';
import type { OidcStores } from '../../src/core/oidc/oidc-stores.js';
import type { SigningKey } from '../../src/core/oidc/signing-key.js';

export interface OidcStoresHandle {
  stores: OidcStores;
  close(): Promise<void>;
}

// Odd milliseconds: a backend that rounds shows up at once.
const T0 = new Date('2026-03-04T05:06:07.891Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);
const MINUTE = 60_000;

const key = (kid: string, createdAt: Date): SigningKey => ({
  kid,
  publicJwk: { kty: 'RSA', alg: 'RS256', use: 'sig', kid, e: 'AQAB', n: `n-${kid}` },
  privateKeyCiphertext: `v1.iv.${kid}.tag`,
  createdAt,
  retiredAt: null,
  removeAt: null,
});

const oauthClient = (clientId: string, createdAt: Date): OAuthClient => ({
  clientId,
  clientName: `client ${clientId} ✓`,
  secretHash: 'ab'.repeat(32),
  tokenEndpointAuthMethod: 'client_secret_basic',
  redirectUris: ['https://app.example.com/cb', 'https://app.example.com/cb?x=1'],
  postLogoutRedirectUris: [],
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  createdAt,
});

const code = (codeHash: string, extra: Partial<AuthorizationCode> = {}): AuthorizationCode => ({
  codeHash,
  grantId: 'grant-1',
  serverId: 'default',
  clientId: '0oa1',
  userId: '00u1',
  redirectUri: 'https://app.example.com/cb',
  scopes: ['openid', 'email'],
  nonce: 'n1',
  codeChallenge: 'c'.repeat(43),
  sessionHash: 'sess',
  authTime: at(1),
  amr: ['pwd', 'otp', 'mfa'],
  createdAt: at(3),
  expiresAt: at(3 + MINUTE),
  consumedAt: null,
  ...extra,
});

const token = (tokenHash: string, extra: Partial<IssuedToken> = {}): IssuedToken => ({
  tokenHash,
  kind: 'refresh',
  grantId: 'grant-1',
  serverId: 'default',
  clientId: '0oa1',
  userId: '00u1',
  scopes: ['openid', 'offline_access'],
  authTime: at(1),
  amr: ['pwd'],
  createdAt: at(5),
  expiresAt: at(5 + 60 * MINUTE),
  revokedAt: null,
  rotatedAt: null,
  ...extra,
});

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The contract every OidcStores backend honours; `factory` hands out empty stores per test. */
export function oidcStoresContract(name: string, factory: () => Promise<OidcStoresHandle>): void {
  describe(`oidc stores contract: ${name}`, () => {
    let handle: OidcStoresHandle | undefined;
    let stores: OidcStores;
    beforeEach(async () => {
      handle = await factory();
      stores = handle.stores;
    });
    afterEach(async () => {
      await handle?.close();
    });

    describe('keys', () => {
      it('stores keys round-trip, lists oldest first and refuses a duplicate kid', async () => {
        await stores.keys.addKey(key('k2', at(2)));
        await stores.keys.addKey(key('k1', at(1)));
        expect(await stores.keys.listKeys()).toEqual([key('k1', at(1)), key('k2', at(2))]);
        await expect(stores.keys.addKey(key('k1', at(9)))).rejects.toBeInstanceOf(ConflictError);
        await stores.keys.addKey(key('k0', at(2)));
        expect((await stores.keys.listKeys()).map((k) => k.kid)).toEqual(['k1', 'k0', 'k2']);
      });

      it('retires every active key but one, keeps earlier retirement dates, and deletes keys past removeAt', async () => {
        await stores.keys.addKey(key('a', at(1)));
        await stores.keys.addKey(key('b', at(2)));
        expect(await stores.keys.retireKeysExcept('b', at(10), at(100))).toBe(1);
        await stores.keys.addKey(key('c', at(20)));
        expect(await stores.keys.retireKeysExcept('c', at(30), at(300))).toBe(1);
        const keys = await stores.keys.listKeys();
        expect(keys.map((k) => [k.kid, k.retiredAt, k.removeAt])).toEqual([
          ['a', at(10), at(100)],
          ['b', at(30), at(300)],
          ['c', null, null],
        ]);
        expect(await stores.keys.deleteRemovedKeys(at(99))).toBe(0);
        expect(await stores.keys.deleteRemovedKeys(at(100))).toBe(1);
        expect((await stores.keys.listKeys()).map((k) => k.kid)).toEqual(['b', 'c']);
      });
    });

    describe('clients', () => {
      it('creates, finds, lists oldest first and deletes clients; a duplicate id conflicts', async () => {
        await stores.clients.createClient(oauthClient('0oaB', at(2)));
        await stores.clients.createClient({ ...oauthClient('0oaA', at(1)), secretHash: null, tokenEndpointAuthMethod: 'none' });
        expect(await stores.clients.findClient('0oaB')).toEqual(oauthClient('0oaB', at(2)));
        expect(await stores.clients.findClient('nope')).toBeNull();
        expect((await stores.clients.listClients()).map((c) => c.clientId)).toEqual(['0oaA', '0oaB']);
        const error = await stores.clients.createClient(oauthClient('0oaB', at(3))).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConflictError);
        expect((error as ConflictError).constraint).toBe('client_id');
        expect(await stores.clients.deleteClient('0oaB')).toBe(true);
        expect(await stores.clients.deleteClient('0oaB')).toBe(false);
        expect(await stores.clients.findClient('0oaB')).toBeNull();
      });
    });

    describe('authorization codes', () => {
      it('consumes a code once; afterwards it is replayed; expired or unknown codes are invalid', async () => {
        await stores.grants.createCode(code('h1'));
        const first = await stores.grants.consumeCode('h1', at(10));
        expect(first).toEqual({ kind: 'consumed', code: code('h1', { consumedAt: at(10) }) });
        expect(await stores.grants.consumeCode('h1', at(11))).toEqual({ kind: 'replayed', code: code('h1', { consumedAt: at(10) }) });
        await stores.grants.createCode(code('h2'));
        expect(await stores.grants.consumeCode('h2', at(3 + MINUTE))).toEqual({ kind: 'invalid' });
        expect(await stores.grants.consumeCode('unknown', at(10))).toEqual({ kind: 'invalid' });
        await expect(stores.grants.createCode(code('h1'))).rejects.toBeInstanceOf(ConflictError);
      });

      it('gives a code to exactly one of many parallel callers', async () => {
        await stores.grants.createCode(code('race'));
        const results = await Promise.all(range(20).map(() => stores.grants.consumeCode('race', at(10))));
        expect(results.filter((r) => r.kind === 'consumed')).toHaveLength(1);
        expect(results.filter((r) => r.kind === 'replayed')).toHaveLength(19);
      });
    });

    describe('tokens', () => {
      it('saves and finds tokens; a duplicate hash conflicts', async () => {
        await stores.grants.saveToken(token('t1'));
        await stores.grants.saveToken(token('a1', { kind: 'access', userId: null, authTime: null, amr: [] }));
        expect(await stores.grants.findToken('t1')).toEqual(token('t1'));
        expect(await stores.grants.findToken('a1')).toEqual(token('a1', { kind: 'access', userId: null, authTime: null, amr: [] }));
        expect(await stores.grants.findToken('none')).toBeNull();
        await expect(stores.grants.saveToken(token('t1'))).rejects.toBeInstanceOf(ConflictError);
      });

      it('rotates a refresh token once; a second use is a reuse; revoked, expired and access tokens are invalid', async () => {
        await stores.grants.saveToken(token('r1'));
        expect(await stores.grants.rotateRefreshToken('r1', at(10))).toEqual({ kind: 'rotated', token: token('r1', { rotatedAt: at(10) }) });
        expect(await stores.grants.rotateRefreshToken('r1', at(11))).toEqual({ kind: 'reused', token: token('r1', { rotatedAt: at(10) }) });
        await stores.grants.saveToken(token('r2', { revokedAt: at(6) }));
        expect(await stores.grants.rotateRefreshToken('r2', at(10))).toEqual({ kind: 'invalid' });
        await stores.grants.saveToken(token('r3'));
        expect(await stores.grants.rotateRefreshToken('r3', at(5 + 60 * MINUTE))).toEqual({ kind: 'invalid' });
        await stores.grants.saveToken(token('a1', { kind: 'access' }));
        expect(await stores.grants.rotateRefreshToken('a1', at(10))).toEqual({ kind: 'invalid' });
        expect(await stores.grants.rotateRefreshToken('unknown', at(10))).toEqual({ kind: 'invalid' });
      });

      it('rotates for exactly one of many parallel callers', async () => {
        await stores.grants.saveToken(token('race'));
        const results = await Promise.all(range(20).map(() => stores.grants.rotateRefreshToken('race', at(10))));
        expect(results.filter((r) => r.kind === 'rotated')).toHaveLength(1);
        expect(results.filter((r) => r.kind === 'reused')).toHaveLength(19);
      });

      it('revokes one token or a whole grant family, counting only live revocations', async () => {
        await stores.grants.saveToken(token('f1'));
        await stores.grants.saveToken(token('f2', { kind: 'access' }));
        await stores.grants.saveToken(token('other', { grantId: 'grant-2' }));
        expect(await stores.grants.revokeToken('f1', at(10))).toBe(true);
        expect(await stores.grants.revokeToken('f1', at(11))).toBe(false);
        expect(await stores.grants.revokeToken('unknown', at(11))).toBe(false);
        expect(await stores.grants.revokeGrant('grant-1', at(12))).toBe(1);
        expect((await stores.grants.findToken('f1'))?.revokedAt).toEqual(at(10));
        expect((await stores.grants.findToken('f2'))?.revokedAt).toEqual(at(12));
        expect((await stores.grants.findToken('other'))?.revokedAt).toBeNull();
      });

      it('deletes expired codes and tokens', async () => {
        await stores.grants.createCode(code('c1'));
        await stores.grants.saveToken(token('t1'));
        await stores.grants.saveToken(token('t2', { expiresAt: at(10 * 60 * MINUTE) }));
        expect(await stores.grants.deleteExpired(at(5 + 60 * MINUTE))).toBe(2);
        expect(await stores.grants.findToken('t2')).not.toBeNull();
        expect(await stores.grants.consumeCode('c1', at(1))).toEqual({ kind: 'invalid' });
      });
    });
  });
}
