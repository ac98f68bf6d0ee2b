/** What a one-time code was issued for; a code for one purpose never verifies another. */
export type OtpPurpose = 'enroll' | 'challenge';

export interface OtpRecord {
  id: string;
  userId: string;
  factorId: string;
  purpose: OtpPurpose;
  /** HMAC-SHA256 hex of the code under key `keyId`; the code itself is never stored. */
  codeHash: string;
  keyId: string;
  createdAt: Date;
  expiresAt: Date;
  /** Comparisons made so far, counted before each comparison. */
  attempts: number;
  consumedAt: Date | null;
}
