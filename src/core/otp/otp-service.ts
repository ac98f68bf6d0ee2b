import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import { hexEqual, hmacHex } from '../hashing.js';
import { randomDigits, randomToken, type Random } from '../random.js';
import type { OtpPurpose, OtpRecord } from './otp-record.js';
import type { OtpStore } from './otp-store.js';

/** HMAC keys for stored codes: the first signs new codes, the others still verify old ones (rotation). */
export interface OtpKeyRing {
  current: { id: string; key: Uint8Array };
  byId: ReadonlyMap<string, Uint8Array>;
}

export interface OtpServiceOptions {
  store: OtpStore;
  clock: Clock;
  random: Random;
  keys: OtpKeyRing;
  lifetimeSeconds: number;
  maxAttempts: number;
}

export interface IssuedOtp {
  code: string;
  record: OtpRecord;
}

const CODE_DIGITS = 6;

const invalidPasscode = () => new AuthError('invalid_passcode', 'Invalid Passcode/Answer');

/**
 * One-time codes: CSPRNG digits, stored as a keyed hash bound to (user, factor, purpose),
 * attempts counted before the comparison, consumed once.
 */
export class OtpService {
  constructor(private readonly o: OtpServiceOptions) {}

  get lifetimeSeconds(): number {
    return this.o.lifetimeSeconds;
  }

  async issue(userId: string, factorId: string, purpose: OtpPurpose, lifetimeSeconds = this.o.lifetimeSeconds): Promise<IssuedOtp> {
    const now = this.o.clock.now();
    const code = randomDigits(this.o.random, CODE_DIGITS);
    const record: OtpRecord = {
      id: randomToken(this.o.random, 12),
      userId,
      factorId,
      purpose,
      codeHash: this.hash(this.o.keys.current.key, userId, factorId, purpose, code),
      keyId: this.o.keys.current.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + lifetimeSeconds * 1000),
      attempts: 0,
      consumedAt: null,
    };
    await this.o.store.issue(record);
    return { code, record };
  }

  /** Verifies and consumes the latest code; every failure is the same invalid_passcode error. */
  async verify(userId: string, factorId: string, purpose: OtpPurpose, code: string): Promise<OtpRecord> {
    const record = await this.o.store.findLatest(userId, factorId, purpose);
    if (record === null) throw invalidPasscode();
    const now = this.o.clock.now();
    if (record.expiresAt <= now) throw invalidPasscode();
    // Count first: parallel guesses cannot exceed maxAttempts comparisons.
    const attempt = await this.o.store.registerAttempt(record.id, this.o.maxAttempts);
    if (attempt === null) throw invalidPasscode();
    const key = this.o.keys.byId.get(record.keyId);
    if (key === undefined) throw invalidPasscode();
    const candidate = this.hash(key, userId, factorId, purpose, code);
    if (!hexEqual(candidate, record.codeHash)) throw invalidPasscode();
    if (!(await this.o.store.consume(record.id, now))) throw invalidPasscode();
    return record;
  }

  /** When the newest code of this factor (any purpose, used or not) was issued; null if none. */
  latestIssuedAt(userId: string, factorId: string): Promise<Date | null> {
    return this.o.store.lastIssuedAt(userId, factorId);
  }

  async revoke(userId: string, factorId: string, purpose: OtpPurpose): Promise<void> {
    await this.o.store.revokeAll(userId, factorId, purpose, this.o.clock.now());
  }

  // The purpose and owner are inside the MAC, so a code cannot be replayed for another user or purpose.
  private hash(key: Uint8Array, userId: string, factorId: string, purpose: OtpPurpose, code: string): string {
    return hmacHex(key, `${purpose}\u0000${userId}\u0000${factorId}\u0000${code}`);
  }
}

/** Builds a key ring from configured secrets (newest first). Key ids are derived, not secret. */
export function otpKeyRing(secrets: readonly string[]): OtpKeyRing {
  if (secrets.length === 0) throw new Error('at least one OTP secret is required');
  const entries = secrets.map((secret) => {
    const key = new Uint8Array(Buffer.from(secret, 'utf8'));
    const id = hmacHex(key, 'latchkey-otp-key-id').slice(0, 12);
    return [id, key] as const;
  });
  const [first] = entries;
  if (first === undefined) throw new Error('unreachable');
  return { current: { id: first[0], key: first[1] }, byId: new Map(entries) };
}
