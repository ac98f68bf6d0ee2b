import { beforeAll, describe, expect, it } from 'vitest';
import { preloadOktaSchemas, resolveOktaSchema, validateOkta } from '../../support/okta-schemas.js';

describe('okta-schemas (management.yaml as ajv validators)', () => {
  beforeAll(() => preloadOktaSchemas(), 120_000);
  const user = {
    id: '00u1abcdefghijklmno',
    status: 'ACTIVE',
    created: '2026-01-01T00:00:00.000Z',
    activated: null,
    statusChanged: null,
    lastLogin: null,
    lastUpdated: '2026-01-01T00:00:00.000Z',
    passwordChanged: null,
    type: { id: 'oty1abcdefghijklmno' },
    profile: { firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com', login: 'ann@example.com' },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: 'http://x/api/v1/users/00u1', hints: { allow: ['GET'] } } },
  };

  it('accepts a well-formed user, with nullable dates', () => {
    expect(validateOkta('User', user)).toMatchObject({ valid: true });
    expect(validateOkta('User', [user, user], { array: true }).valid).toBe(true);
  });

  it('catches a wrong enum value, a wrong type and a bad date', () => {
    expect(validateOkta('User', { ...user, status: 'HAPPY' }).valid).toBe(false);
    expect(validateOkta('User', { ...user, profile: { ...user.profile, firstName: 7 } }).valid).toBe(false);
    expect(validateOkta('User', { ...user, created: 'yesterday' }).valid).toBe(false);
    expect(validateOkta('User', [user, { ...user, status: 'HAPPY' }], { array: true }).errors[0]?.instancePath).toMatch(/^\/1/);
  });

  it('follows a discriminator mapping to the subtype', () => {
    expect(resolveOktaSchema('UserFactor', { factorType: 'email' })).toBe('UserFactorEmail');
    expect(resolveOktaSchema('UserFactor', { factorType: 'token:software:totp' })).toBe('UserFactorTokenSoftwareTOTP');
    expect(resolveOktaSchema('UserFactor', { factorType: 'nope' })).toBe('UserFactor');
  });

  it('validates Okta error objects', () => {
    const error = { errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorLink: 'E0000011', errorId: 'oae123', errorCauses: [] };
    expect(validateOkta('ModelError', error).valid).toBe(true);
    expect(validateOkta('ModelError', { ...error, errorCauses: 'x' }).valid).toBe(false);
  });
});
