import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { otpKeyRing, OtpService } from '../../src/core/otp/otp-service.js';
import { cryptoRandom } from '../../src/core/random.js';
import type { Stores } from '../../src/core/stores.js';
import { createMemoryStores } from '../../src/storage/memory/memory-stores.js';

const KEY_A = 'a'.repeat(32);
const KEY_B = 'b'.repeat(32);

describe('OtpService', () => {
  let clock: ManualClock;
  let stores: Stores;
  const service = (secrets: string[]) =>
    new OtpService({ store: stores.otps, clock, random: cryptoRandom, keys: otpKeyRing(secrets), lifetimeSeconds: 300, maxAttempts: 5 });

  beforeEach(async () => {
    clock = new ManualClock();
    stores = createMemoryStores();
    for (const id of ['00uUSERA000000000001', '00uUSERB000000000001']) {
      await stores.identity.createUser({
        id,
        status: 'ACTIVE',
        profile: { firstName: 'A', lastName: 'B', email: `${id}@example.com`, login: `${id}@example.com` },
        passwordHash: null,
        now: clock.now(),
      });
    }
  });

  it('stores a keyed hash, never the code, and accepts the code once', async () => {
    const otps = service([KEY_A]);
    const { code, record } = await otps.issue('00uUSERA000000000001', 'emf1', 'enroll');
    expect(code).toMatch(/^\d{6}$/);
    const stored = await stores.otps.findLatest('00uUSERA000000000001', 'emf1', 'enroll');
    expect(stored?.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(`"${code}"`);
    expect(record.expiresAt.getTime() - record.createdAt.getTime()).toBe(300_000);
    await expect(otps.verify('00uUSERA000000000001', 'emf1', 'enroll', code)).resolves.toMatchObject({ id: record.id });
    await expect(otps.verify('00uUSERA000000000001', 'emf1', 'enroll', code)).rejects.toMatchObject({ code: 'invalid_passcode' });
  });

  it('binds a code to its user, factor and purpose', async () => {
    const otps = service([KEY_A]);
    const { code } = await otps.issue('00uUSERA000000000001', 'emf1', 'enroll');
    await expect(otps.verify('00uUSERB000000000001', 'emf1', 'enroll', code)).rejects.toMatchObject({ code: 'invalid_passcode' });
    await expect(otps.verify('00uUSERA000000000001', 'emf2', 'enroll', code)).rejects.toMatchObject({ code: 'invalid_passcode' });
    await expect(otps.verify('00uUSERA000000000001', 'emf1', 'challenge', code)).rejects.toMatchObject({ code: 'invalid_passcode' });
    await expect(otps.verify('00uUSERA000000000001', 'emf1', 'enroll', code)).resolves.toBeDefined();
  });

  it('kills a code after five wrong tries and at its expiry', async () => {
    const otps = service([KEY_A]);
    const { code } = await otps.issue('00uUSERA000000000001', 'emf1', 'enroll');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      await expect(otps.verify('00uUSERA000000000001', 'emf1', 'enroll', wrong)).rejects.toMatchObject({ code: 'invalid_passcode' });
    }
    await expect(otps.verify('00uUSERA000000000001', 'emf1', 'enroll', code)).rejects.toMatchObject({ code: 'invalid_passcode' });

    const fresh = await otps.issue('00uUSERA000000000001', 'emf1', 'enroll');
    clock.advance(300_000);
    await expect(otps.verify('00uUSERA000000000001', 'emf1', 'enroll', fresh.code)).rejects.toMatchObject({ code: 'invalid_passcode' });
  });

  it('lets parallel wrong guesses make at most five comparisons', async () => {
    const otps = service([KEY_A]);
    const { code } = await otps.issue('00uUSERA000000000001', 'emf1', 'enroll');
    const guesses = Array.from({ length: 50 }, (_, i) => String(i).padStart(6, '9')).filter((g) => g !== code);
    await Promise.allSettled(guesses.map((g) => otps.verify('00uUSERA000000000001', 'emf1', 'enroll', g)));
    const stored = await stores.otps.findLatest('00uUSERA000000000001', 'emf1', 'enroll');
    expect(stored?.attempts).toBe(5);
    await expect(otps.verify('00uUSERA000000000001', 'emf1', 'enroll', code)).rejects.toMatchObject({ code: 'invalid_passcode' });
  });

  it('verifies codes issued under an older key after rotation, and signs new ones with the new key', async () => {
    const before = service([KEY_A]);
    const { code } = await before.issue('00uUSERA000000000001', 'emf1', 'enroll');
    const after = service([KEY_B, KEY_A]);
    await expect(after.verify('00uUSERA000000000001', 'emf1', 'enroll', code)).resolves.toBeDefined();
    const next = await after.issue('00uUSERA000000000001', 'emf1', 'enroll');
    expect(next.record.keyId).not.toBe((await before.issue('00uUSERB000000000001', 'emf1', 'enroll')).record.keyId);
    // With the old key gone, codes made under it no longer verify.
    const old = await before.issue('00uUSERB000000000001', 'emf9', 'enroll');
    await expect(service([KEY_B]).verify('00uUSERB000000000001', 'emf9', 'enroll', old.code)).rejects.toMatchObject({ code: 'invalid_passcode' });
  });
});
