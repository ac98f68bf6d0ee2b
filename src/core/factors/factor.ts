export type FactorType = 'email' | 'token:software:totp' | 'push';
export type FactorProvider = 'OKTA' | 'GOOGLE';
export type FactorStatus = 'PENDING_ACTIVATION' | 'ACTIVE';

export interface Factor {
  id: string;
  userId: string;
  factorType: FactorType;
  provider: FactorProvider;
  status: FactorStatus;
  /** email: {email}; TOTP: {credentialId}. */
  profile: Record<string, string>;
  created: Date;
  lastUpdated: Date;
}
