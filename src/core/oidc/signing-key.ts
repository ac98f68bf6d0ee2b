import type { JWK } from 'jose';

/**
 * An RS256 signing key. The private half is stored only encrypted (AES-256-GCM, see KeyCipher).
 * Lifecycle: active (retiredAt null) → retired (still published until removeAt) → gone.
 */
export interface SigningKey {
  kid: string;
  publicJwk: JWK;
  /** KeyCipher output over the private JWK. */
  privateKeyCiphertext: string;
  createdAt: Date;
  retiredAt: Date | null;
  /** When a retired key leaves the JWKS; null while active. */
  removeAt: Date | null;
}

export const isPublished = (key: SigningKey, now: Date): boolean => key.removeAt === null || key.removeAt > now;
