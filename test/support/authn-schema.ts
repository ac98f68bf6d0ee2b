import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Our own JSON Schema of Okta's authn transaction (Classic `/api/v1/authn`), written from
 * ../shared/reference/okta-api.md §1: Okta publishes none. Per status it requires the fields and
 * links the reference names, and every link must carry `hints.allow` with exactly one method
 * (okta-auth-js drops the link's function otherwise).
 *
 *   expectAuthn(body)                 → throws with ajv's errors when invalid
 *   expectAuthn(body, 'MFA_REQUIRED') → also checks the status
 */

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const link = {
  type: 'object',
  required: ['href', 'hints'],
  properties: {
    href: { type: 'string', pattern: '^https?://[^ ]+/api/v1/authn(/[^ ]*)?$' },
    name: { type: 'string' },
    hints: {
      type: 'object',
      required: ['allow'],
      properties: { allow: { type: 'array', items: { enum: ['GET', 'POST', 'PUT', 'DELETE'] }, minItems: 1, maxItems: 1 } },
    },
  },
};
const namedLink = (names: string[]) => ({ allOf: [link, { required: ['name'], properties: { name: { enum: names } } }] });
const linkArray = { type: 'array', minItems: 1, items: namedLink(['email', 'sms', 'call', 'push', 'token:software:totp']) };

const isoDate = { type: 'string', format: 'date-time', pattern: '\\.\\d{3}Z$' };

const user = {
  type: 'object',
  required: ['id', 'passwordChanged', 'profile'],
  properties: {
    id: { type: 'string', pattern: '^00u[0-9A-Za-z]{17}$' },
    passwordChanged: { anyOf: [isoDate, { type: 'null' }] },
    profile: {
      type: 'object',
      required: ['login', 'firstName', 'lastName', 'locale', 'timeZone'],
      properties: {
        login: { type: 'string' },
        firstName: { type: 'string' },
        lastName: { type: 'string' },
        locale: { type: 'string' },
        timeZone: { type: 'string' },
      },
    },
  },
};

const factorTypes = ['email', 'sms', 'call', 'push', 'token:software:totp', 'token', 'question'];
const factor = {
  type: 'object',
  required: ['id', 'factorType', 'provider', 'vendorName', 'profile'],
  properties: {
    id: { type: 'string', pattern: '^[0-9A-Za-z]{20}$' },
    factorType: { enum: factorTypes },
    provider: { enum: ['OKTA', 'GOOGLE', 'RSA', 'SYMANTEC', 'YUBICO', 'DUO', 'FIDO', 'CUSTOM'] },
    vendorName: { type: 'string' },
    profile: { type: 'object' },
  },
};
const verifiableFactor = {
  allOf: [factor, { required: ['_links'], properties: { _links: { type: 'object', required: ['verify'], properties: { verify: link } } } }],
};
const enrollEntry = {
  type: 'object',
  required: ['factorType', 'provider', 'status', 'enrollment', '_links'],
  properties: {
    factorType: { enum: factorTypes },
    provider: { type: 'string' },
    status: { enum: ['NOT_SETUP', 'ACTIVE', 'PENDING_ACTIVATION'] },
    enrollment: { enum: ['REQUIRED', 'OPTIONAL'] },
    _links: { type: 'object', properties: { enroll: link } },
  },
  if: { properties: { status: { const: 'NOT_SETUP' } } },
  then: { properties: { _links: { required: ['enroll'] } } },
};

const inFlight = {
  required: ['stateToken', 'expiresAt', 'status', '_embedded', '_links'],
  properties: { stateToken: { type: 'string', minLength: 20 }, _links: { type: 'object', required: ['cancel'], properties: { cancel: link } } },
};

const byStatus: Record<string, object> = {
  SUCCESS: {
    required: ['expiresAt', 'status', 'sessionToken', '_embedded'],
    not: { anyOf: [{ required: ['stateToken'] }, { required: ['_links'] }] },
    properties: { sessionToken: { type: 'string', minLength: 20 }, _embedded: { type: 'object', required: ['user'], properties: { user } } },
  },
  MFA_REQUIRED: {
    allOf: [inFlight],
    properties: {
      _embedded: { type: 'object', required: ['user', 'factors'], properties: { user, factors: { type: 'array', minItems: 1, items: verifiableFactor } } },
    },
  },
  MFA_CHALLENGE: {
    allOf: [inFlight],
    required: ['factorResult'],
    properties: {
      factorResult: { enum: ['CHALLENGE', 'WAITING', 'REJECTED', 'TIMEOUT', 'SUCCESS', 'FAILED', 'ERROR', 'CANCELLED', 'TIME_WINDOW_EXCEEDED', 'PASSCODE_REPLAYED'] },
      _embedded: { type: 'object', required: ['user', 'factor'], properties: { user, factor } },
      _links: {
        type: 'object',
        required: ['next', 'prev', 'cancel'],
        properties: { next: namedLink(['verify', 'poll']), prev: link, resend: linkArray },
      },
    },
    if: { properties: { factorResult: { const: 'WAITING' } } },
    then: { properties: { _links: { properties: { next: namedLink(['poll']) } } } },
    else: { properties: { _links: { properties: { next: namedLink(['verify']) } } } },
  },
  MFA_ENROLL: {
    allOf: [inFlight],
    properties: {
      _embedded: { type: 'object', required: ['user', 'factors'], properties: { user, factors: { type: 'array', minItems: 1, items: enrollEntry } } },
      _links: { type: 'object', properties: { skip: link } },
    },
  },
  MFA_ENROLL_ACTIVATE: {
    allOf: [inFlight],
    properties: {
      _embedded: { type: 'object', required: ['user', 'factor'], properties: { user, factor } },
      _links: { type: 'object', required: ['next', 'prev'], properties: { next: namedLink(['activate', 'poll']), prev: link, resend: linkArray } },
    },
  },
  PASSWORD_EXPIRED: {
    allOf: [inFlight],
    properties: {
      _embedded: { type: 'object', required: ['user'], properties: { user } },
      _links: { type: 'object', required: ['next'], properties: { next: namedLink(['changePassword']), skip: false } },
    },
  },
  PASSWORD_WARN: {
    allOf: [inFlight],
    properties: {
      _embedded: { type: 'object', required: ['user', 'policy'], properties: { user } },
      _links: { type: 'object', required: ['next', 'skip'], properties: { next: namedLink(['changePassword']), skip: link } },
    },
  },
  LOCKED_OUT: {
    required: ['status', '_links'],
    not: { required: ['stateToken'] },
    properties: { _links: { type: 'object', required: ['next'], properties: { next: namedLink(['unlock']) } } },
  },
};

export const AUTHN_TRANSACTION_SCHEMA = {
  $id: 'latchkey:authn-transaction',
  type: 'object',
  required: ['status'],
  properties: {
    status: { enum: Object.keys(byStatus) },
    expiresAt: isoDate,
    relayState: { type: 'string' },
    _links: {
      type: 'object',
      additionalProperties: { anyOf: [link, { type: 'array', items: link }] },
    },
  },
  allOf: Object.entries(byStatus).map(([status, schema]) => ({
    if: { properties: { status: { const: status } }, required: ['status'] },
    then: schema,
  })),
};

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const validate = ajv.compile(AUTHN_TRANSACTION_SCHEMA);

/** Validates an authn answer; throws a readable error when it does not match. Returns the body. */
export function expectAuthn<T = Record<string, unknown>>(body: unknown, status?: string): T {
  if (!validate(body)) {
    const lines = (validate.errors ?? []).slice(0, 20).map((e) => `  ${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
    throw new Error(`authn answer does not match the schema:\n${lines.join('\n')}\nbody: ${JSON.stringify(body).slice(0, 2000)}`);
  }
  if (status !== undefined && (body as { status?: unknown }).status !== status) {
    throw new Error(`expected authn status ${status}, got ${JSON.stringify((body as { status?: unknown }).status)}: ${JSON.stringify(body).slice(0, 1000)}`);
  }
  return body as T;
}
