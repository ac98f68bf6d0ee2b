import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigEnvSchema, ConfigError, loadConfig } from '../../src/config/config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('configuration', () => {
  it('starts with no settings at all: SQLite in ./data, dev mailbox, port 3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      databaseUrl: 'sqlite:./data/latchkey.db',
      devMailbox: true,
      jwtSecret: undefined,
      otp: { lifetimeSeconds: 300, maxAttempts: 5 },
      lockout: { threshold: 10 },
      errorsAs200: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names each bad variable and the rule it broke', () => {
    const problems = problemsOf({ PORT: '70000', OTP_LIFETIME_SECONDS: 'soon', ERRORS_AS_200: 'maybe', JWT_SECRET: 'short' });
    expect(problems.join('\n')).toMatch(/PORT .*65535/);
    expect(problems.join('\n')).toMatch(/OTP_LIFETIME_SECONDS must be a whole number/);
    expect(problems.join('\n')).toMatch(/ERRORS_AS_200 must be true or false/);
    expect(problems.join('\n')).toMatch(/JWT_SECRET/);
  });

  it('refuses production without explicit secrets and SMTP', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/JWT_SECRET is required/),
        expect.stringMatching(/OTP_SECRET is required/),
        expect.stringMatching(/SMTP_URL is required/),
      ]),
    );
  });

  it('reads booleans, integers, key lists and derives defaults from other settings', () => {
    const config = loadConfig({
      PORT: '8080',
      PUBLIC_URL: 'https://auth.example.com/',
      ERRORS_AS_200: 'true',
      OTP_SECRET: `${'a'.repeat(32)}, ${'b'.repeat(40)}`,
      SMTP_URL: 'smtp://mail:587',
    });
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('https://auth.example.com');
    expect(config.ssoIssuer).toBe('https://auth.example.com');
    expect(config.errorsAs200).toBe(true);
    expect(config.otpSecrets).toEqual(['a'.repeat(32), 'b'.repeat(40)]);
    expect(config.devMailbox).toBe(false);
  });

  it('refuses an idle expiry longer than the absolute one', () => {
    expect(problemsOf({ SESSION_IDLE_SECONDS: '7200', SESSION_MAX_SECONDS: '3600' }).join()).toMatch(/SESSION_IDLE_SECONDS/);
  });

  it('documents every variable in docs/configuration.md', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    for (const key of Object.keys(ConfigEnvSchema.properties)) expect(doc, key).toContain(`\`${key}\``);
  });
});
