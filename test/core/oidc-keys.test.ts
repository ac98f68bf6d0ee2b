import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { KeyCipher } from '../../src/core/oidc/key-cipher.js';
import { KeyRing } from '../../src/core/oidc/key-ring.js';
import { verifyCodeVerifier } from '../../src/core/oidc/pkce.js';
import { cryptoRandom } from '../../src/core/random.js';
import { createMemoryOidcStores } from '../../src/storage/memory/memory-oidc-stores.js';
import { pino } from 'pino';

const logger = pino({ level: 'silent' });

describe('KeyCipher', () => {
  it('round-trips, binds the ciphertext to its kid and refuses another key', () => {
    const cipher = new KeyCipher('x'.repeat(32), cryptoRandom);
    const sealed = cipher.encrypt('{"d":"secret"}', 'kid-1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('secret');
    expect(cipher.decrypt(sealed, 'kid-1')).toBe('{"d":"secret"}');
    expect(() => cipher.decrypt(sealed, 'kid-2')).toThrow();
    expect(() => new KeyCipher('y'.repeat(32), cryptoRandom).decrypt(sealed, 'kid-1')).toThrow();
    expect(() => new KeyCipher('short', cryptoRandom)).toThrow();
  });
});

describe('KeyRing', () => {
  it('creates one key on first start, stores only ciphertext, and rotates with a grace period', async () => {
    const stores = createMemoryOidcStores();
    const clock = new ManualClock();
    const ring = new KeyRing({ store: stores.keys, cipher: new KeyCipher('k'.repeat(40), cryptoRandom), clock, random: cryptoRandom, logger, graceSeconds: 3600 });
    await ring.ensureKey();
    await ring.ensureKey();
    const [first] = await stores.keys.listKeys();
    expect(await stores.keys.listKeys()).toHaveLength(1);
    expect(first?.privateKeyCiphertext).toMatch(/^v1\./);
    expect(JSON.stringify(first)).not.toMatch(/"d":/);
    const { kid } = await ring.rotate();
    expect((await ring.signingKey()).kid).toBe(kid);
    expect((await ring.jwks()).keys.map((k) => k.kid)).toEqual([kid, first?.kid]);
    expect(await ring.verificationKey(first?.kid ?? '')).not.toBeNull();
    clock.advance(3600 * 1000);
    expect((await ring.jwks()).keys.map((k) => k.kid)).toEqual([kid]);
    expect(await ring.verificationKey(first?.kid ?? '')).toBeNull();
  });
});

describe('PKCE', () => {
  it('accepts the RFC 7636 example and refuses anything else', () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    expect(verifyCodeVerifier(verifier, challenge)).toBe(true);
    expect(verifyCodeVerifier(verifier.slice(1) + 'A', challenge)).toBe(false);
    expect(verifyCodeVerifier('short', challenge)).toBe(false);
  });
});
