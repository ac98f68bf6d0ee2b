import { randomBytes, randomInt } from 'node:crypto';

/** Randomness is injected so tests can make it predictable; production uses the CSPRNG. */
export interface Random {
  bytes(length: number): Uint8Array;
  /** Uniform integer in [0, max). */
  int(max: number): number;
}

export const cryptoRandom: Random = {
  bytes: (length) => new Uint8Array(randomBytes(length)),
  int: (max) => randomInt(max),
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Uniform base62 string of `length` characters (5.95 bits each). */
export function randomBase62(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[random.int(62)];
  return out;
}

/** Uniform decimal string, leading zeros kept. */
export function randomDigits(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(random.int(10));
  return out;
}

/** base64url of `bytes` random bytes. */
export function randomToken(random: Random, bytes: number): string {
  return Buffer.from(random.bytes(bytes)).toString('base64url');
}

/**
 * Okta-style object id: a 3-character prefix and 17 base62 characters (20 in all),
 * e.g. `00u…` for users, `emf…` for email factors.
 */
export function oktaId(random: Random, prefix: string): string {
  return prefix + randomBase62(random, 20 - prefix.length);
}
