import { hash as rawHash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { Argon2PasswordHasher } from '../../src/crypto/argon2-password-hasher.js';

const OWASP_PREFIX = '$argon2id$v=19$m=19456,t=2,p=1$';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const timed = async (run: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};

describe('Argon2PasswordHasher', () => {
  const owasp = new Argon2PasswordHasher();
  const cheap = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1 });

  it("uses argon2id with OWASP's parameters by default", async () => {
    const encoded = await owasp.hash('correct horse battery staple');
    expect(encoded.startsWith(OWASP_PREFIX)).toBe(true);
    // Random salt: the same password never hashes alike.
    expect(await owasp.hash('correct horse battery staple')).not.toBe(encoded);
  });

  it('takes its parameters from the constructor', async () => {
    expect((await cheap.hash('pw')).startsWith('$argon2id$v=19$m=1024,t=1,p=1$')).toBe(true);
    const wide = new Argon2PasswordHasher({ memoryCost: 2048, timeCost: 3, parallelism: 2 });
    expect((await wide.hash('pw')).startsWith('$argon2id$v=19$m=2048,t=3,p=2$')).toBe(true);
    expect(() => new Argon2PasswordHasher({ timeCost: 0 })).toThrow(RangeError);
    expect(() => new Argon2PasswordHasher({ memoryCost: 1.5 })).toThrow(RangeError);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const encoded = await owasp.hash('correct horse battery staple');
    expect(await owasp.verify(encoded, 'correct horse battery staple')).toBe(true);
    expect(await owasp.verify(encoded, 'correct horse battery stapl')).toBe(false);
    expect(await owasp.verify(encoded, '')).toBe(false);
    // Parameters come from the string: a hasher configured otherwise still verifies it.
    expect(await cheap.verify(encoded, 'correct horse battery staple')).toBe(true);
    const unicode = await cheap.hash('pässwörd 🔑');
    expect(await cheap.verify(unicode, 'pässwörd 🔑')).toBe(true);
  });

  it('answers false, never throws, for malformed hashes', async () => {
    const real = await cheap.hash('pw');
    const malformed = [
      '',
      'not a hash',
      '$argon2id$',
      real.slice(0, -10),
      `${real}$`,
      real.replace('$v=19$', '$v=99$'),
      '$argon2id$v=19$m=19456,t=2,p=1$abc$def',
      '$argon2id$v=19$m=0,t=0,p=0$c29tZXNhbHRzb21lc2FsdA$M3/BfZsBJ7oCjOeJjmga+vXXC505U8nly2tRAm3i94Q',
      '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy',
    ];
    for (const encoded of malformed) {
      await expect(cheap.verify(encoded, 'pw'), encoded).resolves.toBe(false);
    }
  });

  it('refuses, quickly, a hash naming absurd costs instead of running them', async () => {
    const real = await cheap.hash('pw');
    const huge = real.replace('m=1024,t=1', 'm=4294967295,t=1');
    const slow = real.replace('m=1024,t=1', 'm=1024,t=4294967295');
    const elapsed = await timed(async () => {
      expect(await cheap.verify(huge, 'pw')).toBe(false);
      expect(await cheap.verify(slow, 'pw')).toBe(false);
    });
    expect(elapsed).toBeLessThan(1_000);
  });

  it('asks for a rehash when a parameter is weaker or the algorithm is not argon2id', async () => {
    expect(owasp.needsRehash(await owasp.hash('pw'))).toBe(false);
    expect(owasp.needsRehash(await cheap.hash('pw'))).toBe(true);
    // One weaker parameter is enough.
    const tweak = (m: number, t: number, p: number): string =>
      `$argon2id$v=19$m=${m},t=${t},p=${p}$c29tZXNhbHRzb21lc2FsdA$M3/BfZsBJ7oCjOeJjmga+vXXC505U8nly2tRAm3i94Q`;
    expect(owasp.needsRehash(tweak(19_455, 2, 1))).toBe(true);
    expect(owasp.needsRehash(tweak(19_456, 1, 1))).toBe(true);
    expect(new Argon2PasswordHasher({ parallelism: 2 }).needsRehash(tweak(19_456, 2, 1))).toBe(true);
    // Stronger than required is fine.
    expect(owasp.needsRehash(tweak(65_536, 3, 1))).toBe(false);
    // Other argon2 variants and other algorithms.
    const argon2i = await rawHash('pw', { memoryCost: 19_456, timeCost: 2, parallelism: 1, algorithm: 1 });
    expect(argon2i.startsWith('$argon2i$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(owasp.needsRehash(argon2i)).toBe(true);
    expect(owasp.needsRehash(tweak(19_456, 2, 1).replace('argon2id', 'argon2d'))).toBe(true);
    expect(owasp.needsRehash(tweak(19_456, 2, 1).replace('$v=19', ''))).toBe(true);
    expect(owasp.needsRehash('$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy')).toBe(true);
    expect(owasp.needsRehash('')).toBe(true);
  });

  it('makes the dummy hash once, with the configured parameters, matching no likely password', async () => {
    const hasher = new Argon2PasswordHasher();
    const first = hasher.dummyHash();
    const second = hasher.dummyHash();
    expect(second).toBe(first);
    const dummy = await first;
    expect(dummy.startsWith(OWASP_PREFIX)).toBe(true);
    expect(await hasher.dummyHash()).toBe(dummy);
    expect(await hasher.verify(dummy, '')).toBe(false);
    expect(await hasher.verify(dummy, 'password')).toBe(false);
    expect(await new Argon2PasswordHasher().dummyHash()).not.toBe(dummy);
  });

  it('costs about the same to verify against the dummy hash as against a real one', async () => {
    const real = await owasp.hash('correct horse battery staple');
    const dummy = await owasp.dummyHash();
    const realTimes: number[] = [];
    const dummyTimes: number[] = [];
    // Interleaved, so machine load affects both series alike; medians shed outliers.
    for (let i = 0; i < 7; i++) {
      realTimes.push(await timed(() => owasp.verify(real, 'wrong password')));
      dummyTimes.push(await timed(() => owasp.verify(dummy, 'wrong password')));
    }
    const ratio = median(dummyTimes) / median(realTimes);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('does not block the event loop while 8 hashes run', async () => {
    let last = performance.now();
    let maxGap = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 5);
    try {
      const started = performance.now();
      await Promise.all(Array.from({ length: 8 }, (_, i) => owasp.hash(`password ${i}`)));
      const elapsed = performance.now() - started;
      // The batch must take long enough for the check to mean something.
      expect(elapsed).toBeGreaterThan(20);
      expect(ticks).toBeGreaterThan(0);
      expect(maxGap).toBeLessThan(100);
    } finally {
      clearInterval(timer);
    }
  });
});
