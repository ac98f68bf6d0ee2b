import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** base64url of a SHA-256 digest. */
const CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

export const isValidCodeChallenge = (challenge: string): boolean => CHALLENGE.test(challenge);

/** S256 only: `plain` is refused at /authorize. */
export function verifyCodeVerifier(verifier: string, challenge: string): boolean {
  if (!VERIFIER.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
