import type { BenchUser, LatchkeyClient } from '../lib/latchkey.js';
import type { HttpRequestSpec, Measurement } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';

/** Data seeded through the public API before anything is measured. */
export interface LatchkeyFixture {
  baseUrl: string;
  client: LatchkeyClient;
  /** Latchkey's CLI (`node dist/cli.js`) on the server's database, e.g. to register an OAuth client. */
  cli(args: string[]): Promise<string>;
  /** Email factor never confirmed: /api/login answers {userId} (MFA off). */
  loginUsers: BenchUser[];
  /** Email factor ACTIVE: one per journey worker, so codes never cross. */
  journeyUsers: (BenchUser & { userId: string })[];
  /** ACTIVE sessions (MFA done) for /api/user. */
  activeSessions: string[];
  /** Valid SSO tokens for /api/sso/verify. */
  tokens: string[];
}

/** A comparison of a Latchkey scenario with a reference measured in the same run. */
export interface Comparison {
  /** Reference id (see bench/refs/index.ts). */
  reference: string;
  /** Minimum ratio Latchkey / reference that meets the target (0.9 = 90 %, 1 = ahead). */
  target: number;
  /** How the target is stated in the table. */
  targetText: string;
}

export interface LatchkeyScenario {
  id: string;
  title: string;
  comparisons: Comparison[];
  /** Not measurable yet: why (the runner still probes the endpoint and says whether it now answers). */
  pending?: { reason: string; issue: number; probe: HttpRequestSpec };
  run?: (fixture: LatchkeyFixture, options: BenchOptions) => Promise<Measurement>;
}


