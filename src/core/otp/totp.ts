import { createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 6238 parameters; Okta's and Google Authenticator's defaults are SHA-1, 30 s, 6 digits. */
export interface TotpParameters {
  algorithm: 'sha1' | 'sha256' | 'sha512';
  stepSeconds: number;
  digits: number;
}

export const TOTP_DEFAULTS: TotpParameters = Object.freeze({ algorithm: 'sha1', stepSeconds: 30, digits: 6 });

/** RFC 4226 HOTP: HMAC over the 8-byte big-endian counter, dynamic truncation, modulo 10^digits. */
export function hotp(key: Uint8Array, counter: number, digits = 6, algorithm: TotpParameters['algorithm'] = 'sha1'): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError('hotp: counter must be a non-negative safe integer');
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The RFC 6238 time step (T) that contains `at`. */
export function totpStep(at: Date, stepSeconds = TOTP_DEFAULTS.stepSeconds): number {
  return Math.floor(at.getTime() / 1000 / stepSeconds);
}

/** The code for the step containing `at`. */
export function totp(key: Uint8Array, at: Date, parameters: TotpParameters = TOTP_DEFAULTS): string {
  return hotp(key, totpStep(at, parameters.stepSeconds), parameters.digits, parameters.algorithm);
}

/**
 * The time step whose code equals `code`, looking `window` steps either side of now (clock drift),
 * or null. Every candidate is computed and compared in constant time, so timing does not tell
 * which step (if any) matched.
 */
export function matchTotp(
  key: Uint8Array,
  code: string,
  at: Date,
  window = 1,
  parameters: TotpParameters = TOTP_DEFAULTS,
): number | null {
  if (code.length !== parameters.digits || !/^\d+$/.test(code)) return null;
  const now = totpStep(at, parameters.stepSeconds);
  const given = Buffer.from(code, 'utf8');
  let matched: number | null = null;
  for (let step = now - window; step <= now + window; step++) {
    if (step < 0) continue;
    const expected = Buffer.from(hotp(key, step, parameters.digits, parameters.algorithm), 'utf8');
    if (timingSafeEqual(expected, given) && matched === null) matched = step;
  }
  return matched;
}

/**
 * The Key Uri Format read by authenticator apps (Google Authenticator, Okta Verify, 1Password):
 * otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
 */
export function otpauthUri(input: { secretBase32: string; issuer: string; account: string; parameters?: TotpParameters }): string {
  const p = input.parameters ?? TOTP_DEFAULTS;
  const label = `${encodeURIComponent(input.issuer)}:${encodeURIComponent(input.account)}`;
  const query = new URLSearchParams({
    secret: input.secretBase32,
    issuer: input.issuer,
    algorithm: p.algorithm.toUpperCase(),
    digits: String(p.digits),
    period: String(p.stepSeconds),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}
