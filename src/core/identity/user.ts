export type UserStatus =
  | 'STAGED'
  | 'PROVISIONED'
  | 'ACTIVE'
  | 'RECOVERY'
  | 'PASSWORD_EXPIRED'
  | 'LOCKED_OUT'
  | 'SUSPENDED'
  | 'DEPROVISIONED';

/** Okta's base profile; `login` is unique case-insensitively. */
export interface UserProfile {
  firstName: string;
  lastName: string;
  email: string;
  login: string;
  locale?: string;
  timeZone?: string;
  mobilePhone?: string | null;
}

export interface User {
  id: string;
  status: UserStatus;
  created: Date;
  activated: Date | null;
  statusChanged: Date | null;
  lastLogin: Date | null;
  lastUpdated: Date;
  passwordChanged: Date | null;
  profile: UserProfile;
  /** argon2id PHC string; null when the user has no password. */
  passwordHash: string | null;
  /** Consecutive failed password checks since the last success. */
  failedLogins: number;
}

/** Logins compare case-insensitively, like Okta's. */
export const normalizeLogin = (login: string): string => login.trim().toLowerCase();
