import { type AuthError, type AuthErrorCode, type UpstreamErrorBody } from '../../core/errors.js';
import { randomBase62, type Random } from '../../core/random.js';

/** Okta's error object, as both the seed API (inside OKTA_ERROR) and /api/v1 send it. */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: { errorSummary: string; reason?: string; location?: string }[];
}

interface OktaMapping {
  status: number;
  errorCode: string;
  /** Fixed summary; null: use the error's own message. */
  summary: string | null;
}

/**
 * The one table from identity error codes to Okta's codes and HTTP statuses
 * (codes and texts from ../shared/reference/okta-api.md §6).
 */
const OKTA: Record<Exclude<AuthErrorCode, 'internal' | 'mail_delivery_failed' | 'validation_failed' | 'upstream_error' | 'upstream_unavailable'>, OktaMapping> = {
  duplicate_login: { status: 400, errorCode: 'E0000001', summary: 'Api validation failed: login' },
  password_policy: { status: 400, errorCode: 'E0000001', summary: 'Api validation failed: password' },
  authentication_failed: { status: 401, errorCode: 'E0000004', summary: 'Authentication failed' },
  invalid_session: { status: 401, errorCode: 'E0000005', summary: 'Invalid session' },
  mfa_required: {
    status: 403,
    errorCode: 'E0000079',
    summary: 'This operation is not allowed in the current authentication state.',
  },
  not_found: { status: 404, errorCode: 'E0000007', summary: null },
  invalid_passcode: { status: 403, errorCode: 'E0000068', summary: 'Invalid Passcode/Answer' },
  passcode_replayed: {
    status: 403,
    errorCode: 'E0000082',
    summary: 'Each code can only be used once. Please wait for a new code and try again.',
  },
  invalid_token: { status: 401, errorCode: 'E0000011', summary: 'Invalid token provided' },
  operation_not_allowed: {
    status: 403,
    errorCode: 'E0000079',
    summary: 'This operation is not allowed in the current authentication state.',
  },
  credentials_update_failed: { status: 403, errorCode: 'E0000014', summary: 'Update of credentials failed' },
  password_complexity: {
    status: 403,
    errorCode: 'E0000080',
    summary: 'The password does not meet the complexity requirements of the current password policy.',
  },
  rate_limited: { status: 429, errorCode: 'E0000047', summary: 'API call exceeded rate limit due to too many requests.' },
  api_token_required: { status: 403, errorCode: 'E0000005', summary: 'Invalid session' },
  user_already_active: { status: 403, errorCode: 'E0000016', summary: 'Activation failed because the user is already active' },
  user_status_not_allowed: { status: 403, errorCode: 'E0000038', summary: "This operation is not allowed in the user's current status." },
};

const DEFAULT_CAUSES: Partial<Record<AuthErrorCode, string>> = {
  invalid_passcode: "Your passcode doesn't match our records. Please try again.",
};

export type OktaMappedCode = keyof typeof OKTA;

export const isOktaMapped = (code: AuthErrorCode): code is OktaMappedCode => code in OKTA;

export function newErrorId(random: Random): string {
  return 'oae' + randomBase62(random, 22);
}

export function toOktaError(error: AuthError, code: OktaMappedCode, random: Random): { status: number; body: OktaErrorBody } {
  const mapping = OKTA[code];
  const causes = error.causes.length > 0
    ? error.causes.map((c) => ({ errorSummary: c.summary, ...(c.reason ? { reason: c.reason } : {}), ...(c.location ? { location: c.location } : {}) }))
    : DEFAULT_CAUSES[code] !== undefined
      ? [{ errorSummary: DEFAULT_CAUSES[code] as string }]
      : [];
  return {
    status: mapping.status,
    body: {
      errorCode: mapping.errorCode,
      errorSummary: mapping.summary ?? error.message,
      errorLink: mapping.errorCode,
      errorId: newErrorId(random),
      errorCauses: causes,
    },
  };
}

/**
 * An upstream Okta org's error, carried through faithfully: its status, errorCode, errorSummary,
 * errorLink, errorId and errorCauses (only missing members are filled in).
 */
export function fromUpstreamOktaError(status: number, upstream: UpstreamErrorBody, random: Random): { status: number; body: OktaErrorBody } {
  return {
    status,
    body: {
      errorCode: upstream.errorCode,
      errorSummary: upstream.errorSummary,
      errorLink: upstream.errorLink ?? upstream.errorCode,
      errorId: upstream.errorId ?? newErrorId(random),
      errorCauses: (upstream.errorCauses ?? []).map((c) => ({ ...c, errorSummary: String(c.errorSummary) })),
    },
  };
}
