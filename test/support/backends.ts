/**
 * Which external backends the test run may use. Suites that need PostgreSQL or Redis read
 * these and skip (with the reason printed once by global-setup) when they are unset.
 */
export const DATABASE_URL = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;
export const REDIS_URL = process.env.REDIS_URL || undefined;

export const skipReasons = (): string[] => {
  const reasons: string[] = [];
  if (!DATABASE_URL) reasons.push('PostgreSQL suites skipped: DATABASE_URL is not a postgres:// URL');
  if (!REDIS_URL) reasons.push('Redis suites skipped: REDIS_URL is not set');
  return reasons;
};
