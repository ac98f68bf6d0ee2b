import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Suites share PostgreSQL/Redis; each uses its own schema/key prefix, so files may run in parallel.
    pool: 'forks',
  },
});
