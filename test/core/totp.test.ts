import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { QrTickets } from '../../src/core/factors/qr-tickets.js';
import { SecretCipher } from '../../src/core/factors/secret-cipher.js';
import { base32Decode, base32Encode } from '../../src/core/otp/base32.js';
import { hotp, matchTotp, otpauthUri, totp, totpStep, type TotpParameters } from '../../src/core/otp/totp.js';
import { cryptoRandom } from '../../src/core/random.js';

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'ascii'));

// RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to the hash's block-ish length.
const KEYS = {
  sha1: ascii('12345678901234567890'),
  sha256: ascii('12345678901234567890123456789012'),
  sha512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
};
const VECTORS: Array<[number, string, keyof typeof KEYS, string]> = [
  [59, '1970-01-01 00:00:59', 'sha1', '94287082'],
  [59, '1970-01-01 00:00:59', 'sha256', '46119246'],
  [59, '1970-01-01 00:00:59', 'sha512', '90693936'],
  [1111111109, '2005-03-18 01:58:29', 'sha1', '07081804'],
  [1111111109, '2005-03-18 01:58:29', 'sha256', '68084774'],
  [1111111109, '2005-03-18 01:58:29', 'sha512', '25091201'],
  [1111111111, '2005-03-18 01:58:31', 'sha1', '14050471'],
  [1111111111, '2005-03-18 01:58:31', 'sha256', '67062674'],
  [1111111111, '2005-03-18 01:58:31', 'sha512', '99943326'],
  [1234567890, '2009-02-13 23:31:30', 'sha1', '89005924'],
  [1234567890, '2009-02-13 23:31:30', 'sha256', '91819424'],
  [1234567890, '2009-02-13 23:31:30', 'sha512', '93441116'],
  [2000000000, '2033-05-18 03:33:20', 'sha1', '69279037'],
  [2000000000, '2033-05-18 03:33:20', 'sha256', '90698825'],
  [2000000000, '2033-05-18 03:33:20', 'sha512', '38618901'],
  [20000000000, '2603-10-11 11:33:20', 'sha1', '65353130'],
  [20000000000, '2603-10-11 11:33:20', 'sha256', '77737706'],
  [20000000000, '2603-10-11 11:33:20', 'sha512', '47863826'],
];

describe('RFC 6238 TOTP', () => {
  it.each(VECTORS)('T=%i (%s) %s → %s', (seconds, utc, algorithm, expected) => {
    const at = new Date(seconds * 1000);
    expect(at.toISOString().replace('T', ' ').slice(0, 19)).toBe(utc);
    const parameters: TotpParameters = { algorithm, stepSeconds: 30, digits: 8 };
    expect(totp(KEYS[algorithm], at, parameters)).toBe(expected);
  });

  it('RFC 4226 Appendix D HOTP values', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expected.forEach((code, counter) => expect(hotp(KEYS.sha1, counter)).toBe(code));
  });

  it('accepts ±1 step and reports which step matched, nothing further', () => {
    const now = new Date(1_700_000_015_000);
    const step = totpStep(now);
    const code = (s: number) => hotp(KEYS.sha1, s);
    expect(matchTotp(KEYS.sha1, code(step), now)).toBe(step);
    expect(matchTotp(KEYS.sha1, code(step - 1), now)).toBe(step - 1);
    expect(matchTotp(KEYS.sha1, code(step + 1), now)).toBe(step + 1);
    expect(matchTotp(KEYS.sha1, code(step - 2), now)).toBeNull();
    expect(matchTotp(KEYS.sha1, code(step + 2), now)).toBeNull();
    expect(matchTotp(KEYS.sha1, '12345', now)).toBeNull();
    expect(matchTotp(KEYS.sha1, 'abcdef', now)).toBeNull();
  });

  it('base32 round-trips (RFC 4648 vectors) and builds the otpauth URI', () => {
    expect(base32Encode(ascii('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Encode(ascii('f'))).toBe('MY');
    expect(Buffer.from(base32Decode('mzxw6ytboi======')).toString()).toBe('foobar');
    const secret = base32Encode(cryptoRandom.bytes(20));
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(Buffer.from(base32Decode(secret))).toHaveLength(20);
    expect(() => base32Decode('not base32!')).toThrow();
    expect(otpauthUri({ secretBase32: 'JBSWY3DPEHPK3PXP', issuer: 'Latchkey', account: 'ann@example.com' })).toBe(
      'otpauth://totp/Latchkey:ann%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Latchkey&algorithm=SHA1&digits=6&period=30',
    );
  });
});

describe('SecretCipher (AES-256-GCM)', () => {
  const cipher = new SecretCipher(['a-factor-secret-key-of-at-least-32-chars'], cryptoRandom);

  it('opens what it sealed, only for the same context, and refuses tampering', () => {
    const sealed = cipher.seal('JBSWY3DPEHPK3PXP', 'factor ost1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(cipher.open(sealed, 'factor ost1')).toBe('JBSWY3DPEHPK3PXP');
    expect(cipher.open(sealed, 'factor ost2')).toBeNull();
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3] ?? '', 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(cipher.open([parts[0], parts[1], parts[2], flipped.toString('base64url'), parts[4]].join('.'), 'factor ost1')).toBeNull();
    // A truncated tag is refused too.
    expect(cipher.open([...parts.slice(0, 4), (parts[4] ?? '').slice(0, 6)].join('.'), 'factor ost1')).toBeNull();
    expect(cipher.open('garbage', 'factor ost1')).toBeNull();
    // Two seals of one value differ (random IV).
    expect(cipher.seal('x', 'c')).not.toBe(cipher.seal('x', 'c'));
  });

  it('rotates: a new first key seals, the old one still opens', () => {
    const old = cipher.seal('secret', 'c');
    const rotated = new SecretCipher(['a-brand-new-factor-secret-key-32-chars!!', 'a-factor-secret-key-of-at-least-32-chars'], cryptoRandom);
    expect(rotated.open(old, 'c')).toBe('secret');
    expect(cipher.open(rotated.seal('secret', 'c'), 'c')).toBeNull();
  });

  it('QR tickets expire', () => {
    const clock = new ManualClock();
    const tickets = new QrTickets({ cipher, clock, lifetimeSeconds: 600 });
    const { ticket } = tickets.issue('otpauth://totp/x');
    expect(ticket).not.toContain('otpauth');
    expect(tickets.open(ticket)).toBe('otpauth://totp/x');
    clock.advance(600_000);
    expect(tickets.open(ticket)).toBeNull();
  });
});
