import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('IDENTITY_PROVIDER', () => {
  it('defaults to embedded', () => {
    expect(loadConfig({}).identityProvider).toEqual({ kind: 'embedded' });
  });

  it('okta mode needs OKTA_ORG_URL and OKTA_API_TOKEN, named clearly', () => {
    const problems = problemsOf({ IDENTITY_PROVIDER: 'okta' });
    expect(problems).toEqual([
      expect.stringMatching(/^OKTA_ORG_URL is required when IDENTITY_PROVIDER=okta/),
      expect.stringMatching(/^OKTA_API_TOKEN is required when IDENTITY_PROVIDER=okta/),
    ]);
  });

  it('refuses a URL that is not http(s) and an unknown provider', () => {
    expect(problemsOf({ IDENTITY_PROVIDER: 'okta', OKTA_ORG_URL: 'ftp://example.okta.com', OKTA_API_TOKEN: 't' })).toEqual([
      expect.stringMatching(/^OKTA_ORG_URL must be an http\(s\) URL/),
    ]);
    expect(problemsOf({ IDENTITY_PROVIDER: 'auth0' })[0]).toMatch(/^IDENTITY_PROVIDER/);
    expect(problemsOf({ IDENTITY_PROVIDER: 'okta', OKTA_ORG_URL: 'https://a.okta.com', OKTA_API_TOKEN: 't', OKTA_REQUEST_TIMEOUT_MS: '5' })[0]).toMatch(/^OKTA_REQUEST_TIMEOUT_MS/);
  });

  it('reads okta mode, drops a trailing slash and flags plain http', () => {
    expect(loadConfig({ IDENTITY_PROVIDER: 'okta', OKTA_ORG_URL: 'https://example.okta.com/', OKTA_API_TOKEN: 'tok' }).identityProvider).toEqual({
      kind: 'okta',
      orgUrl: 'https://example.okta.com',
      apiToken: 'tok',
      timeoutMs: 10_000,
      insecure: false,
    });
    const plain = loadConfig({ IDENTITY_PROVIDER: 'okta', OKTA_ORG_URL: 'http://127.0.0.1:9999', OKTA_API_TOKEN: 'tok', OKTA_REQUEST_TIMEOUT_MS: '500' });
    expect(plain.identityProvider).toMatchObject({ insecure: true, timeoutMs: 500 });
  });
});
