import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { Factor } from '../../src/core/factors/factor.js';
import type { MailMessage } from '../../src/core/mail/mail-message.js';
import { silentLogger } from '../../src/core/logger.js';
import { OtpSender } from '../../src/core/otp/otp-sender.js';
import { otpKeyRing, OtpService } from '../../src/core/otp/otp-service.js';
import { cryptoRandom } from '../../src/core/random.js';
import { createMemoryStores } from '../../src/storage/memory/memory-stores.js';
import { MemoryRateLimiter } from '../../src/storage/memory/memory-rate-limiter.js';

async function setup(failing = false) {
  // Start 1 ms before a 5 s window boundary, where a fixed window alone would allow a second send.
  const clock = new ManualClock(new Date(Math.ceil(Date.now() / 5000) * 5000 + 100_000 - 1));
  const stores = createMemoryStores();
  const sent: MailMessage[] = [];
  const mailer = {
    send: async (m: MailMessage) => {
      if (failing) throw new Error('smtp down');
      sent.push(m);
    },
  };
  const otps = new OtpService({ store: stores.otps, clock, random: cryptoRandom, keys: otpKeyRing(['k'.repeat(32)]), lifetimeSeconds: 300, maxAttempts: 5 });
  const sender = new OtpSender({
    otps, mailer, limiter: new MemoryRateLimiter(), clock, logger: silentLogger, productName: 'Latchkey',
    resendIntervalSeconds: 5, sendsPerHour: 20,
  });
  const user = await stores.identity.createUser({
    id: '00uSENDER00000000001', status: 'ACTIVE', passwordHash: null, now: clock.now(),
    profile: { firstName: 'A', lastName: 'B', email: 'a@example.com', login: 'a@example.com' },
  });
  const factor: Factor = await stores.factors.createFactor({
    id: 'emfSENDER0000000001', userId: user.id, factorType: 'email', provider: 'OKTA', status: 'ACTIVE',
    profile: { email: 'a@example.com' }, created: clock.now(), lastUpdated: clock.now(),
  });
  return { clock, sender, user, factor, sent };
}

describe('OtpSender', () => {
  it('keeps a full interval between two codes, even across a window boundary', async () => {
    const { clock, sender, user, factor, sent } = await setup();
    await sender.send(user, factor, 'enroll');
    clock.advance(2);
    await expect(sender.send(user, factor, 'challenge')).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 5 });
    clock.advance(4_997);
    await expect(sender.send(user, factor, 'challenge')).rejects.toMatchObject({ code: 'rate_limited' });
    clock.advance(1);
    await expect(sender.send(user, factor, 'challenge')).resolves.toBeInstanceOf(Date);
    expect(sent).toHaveLength(2);
  });

  it('lets the user ask again at once after a failed delivery', async () => {
    const { sender, user, factor } = await setup(true);
    await expect(sender.send(user, factor, 'enroll')).rejects.toMatchObject({ code: 'mail_delivery_failed' });
    await expect(sender.send(user, factor, 'enroll')).rejects.toMatchObject({ code: 'mail_delivery_failed' });
  });
});
