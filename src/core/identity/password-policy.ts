import type { ErrorCause } from '../errors.js';

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
}

export const defaultPasswordPolicy: PasswordPolicy = { minLength: 8, maxLength: 256 };

// The most common passwords that pass the length rule; a longer list belongs in a breached-password check.
const COMMON = new Set([
  'password', 'password1', 'password123', '12345678', '123456789', '1234567890', 'qwertyuiop', 'qwerty123',
  'iloveyou', 'sunshine1', 'football', 'baseball', 'letmein1', 'welcome1', 'admin123', 'abc12345', 'passw0rd',
  '11111111', '00000000', '87654321', 'princess', 'trustno1', 'superman', 'starwars', 'whatever',
]);

/**
 * NIST 800-63B style checks (length, common passwords, not the username), reported as
 * Okta's E0000001 causes so clients of the original see the same text.
 */
export function checkPassword(password: string, login: string, policy: PasswordPolicy = defaultPasswordPolicy): ErrorCause[] {
  const broken: string[] = [];
  const reasons: string[] = [];
  if ([...password].length < policy.minLength) {
    broken.push(`at least ${policy.minLength} characters`);
    reasons.push('LENGTH_MINIMUM');
  }
  if ([...password].length > policy.maxLength) {
    broken.push(`at most ${policy.maxLength} characters`);
    reasons.push('LENGTH_MAXIMUM');
  }
  const lower = password.toLowerCase();
  const localPart = login.toLowerCase().split('@')[0] ?? '';
  if (localPart.length >= 3 && lower.includes(localPart)) {
    broken.push('no parts of your username');
    reasons.push('USERNAME_PARTS');
  }
  if (COMMON.has(lower)) {
    broken.push('not a commonly used password');
    reasons.push('COMMON_PASSWORD');
  }
  if (broken.length === 0) return [];
  return [
    {
      summary: `password: Password requirements were not met. Password requirements: ${broken.join(', ')}.`,
      reason: reasons[0] ?? 'PASSWORD_POLICY',
      location: 'credentials.password.value',
    },
  ];
}
