/** A mistake in how the runner was called or prepared: printed as one message, without a stack. */
export class BenchError extends Error {}

/** The runner's command-line options; defaults keep a full run (both backends, all references) under 10 minutes on 2 cores. */
export interface BenchOptions {
  warmupSeconds: number;
  durationSeconds: number;
  /** Measured windows per scenario after the warm-up; the best one is kept (shared, noisy machines). */
  repeat: number;
  /** autocannon connections for every fixed-connection scenario. */
  connections: number;
  /** Journeys in flight in the SSO journey scenario (one user each). */
  journeyConcurrency: number;
  /** Users with the email factor inactive, cycled through by the login scenario. */
  loginUsers: number;
  /** /api/sso/verify requests per second during the storm phases (fixed rate, so latency is what is measured). */
  stormVerifyRate: number;
  /** Login connections of the storm. */
  stormConnections: number;
  /** Sessions created for the memory measurement. */
  sessions: number;
  /** LOG_LEVEL of the Latchkey server under test. */
  logLevel: string;
  /** Scenario or reference ids to run; empty: all. */
  only: string[];
  /** Skip the PostgreSQL + Redis run even when DATABASE_URL and REDIS_URL are set. */
  skipPostgres: boolean;
  /** Profile with node --cpu-prof: true = the slowest Latchkey scenario, or these scenario ids. */
  profile: boolean | string[];
  /** Write bench/results/*.json and BENCHMARKS.md (off: print only). */
  write: boolean;
}

export const DEFAULTS: BenchOptions = {
  warmupSeconds: 3,
  durationSeconds: 10,
  repeat: 1,
  connections: 16,
  journeyConcurrency: 8,
  loginUsers: 16,
  stormVerifyRate: 200,
  stormConnections: 32,
  sessions: 100_000,
  logLevel: 'warn',
  only: [],
  skipPostgres: false,
  profile: false,
  write: true,
};

export const USAGE = `npm run bench -- [options]

  --warmup=SECONDS          warm-up before each measurement, discarded (default ${DEFAULTS.warmupSeconds})
  --duration=SECONDS        measured time of each scenario (default ${DEFAULTS.durationSeconds})
  --repeat=N                N measured windows of --duration after the warm-up, best kept (default ${DEFAULTS.repeat})
  --connections=N           autocannon connections (default ${DEFAULTS.connections})
  --journey-concurrency=N   SSO journeys in flight (default ${DEFAULTS.journeyConcurrency})
  --login-users=N           users the login scenario cycles through (default ${DEFAULTS.loginUsers})
  --storm-rate=N            /api/sso/verify req/s during the login storm (default ${DEFAULTS.stormVerifyRate})
  --storm-connections=N     login connections of the storm (default ${DEFAULTS.stormConnections})
  --sessions=N              sessions created for the memory measurement (default ${DEFAULTS.sessions})
  --log-level=LEVEL         LOG_LEVEL of the server under test (default ${DEFAULTS.logLevel})
  --only=ID,ID              run only these scenarios/references (ids are printed in the table)
  --skip-postgres           no PostgreSQL + Redis run even when DATABASE_URL and REDIS_URL are set
  --profile[=ID,ID]         profile the slowest Latchkey scenario (or these) with node --cpu-prof
  --no-write                print only: leave bench/results/ and BENCHMARKS.md alone
  --quick                   smoke run: --warmup=1 --duration=3 --sessions=10000
  --help`;

function positive(name: string, raw: string, allowZero = false): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new BenchError(`--${name} must be a positive number (got "${raw}")`);
  return value;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const options: BenchOptions = { ...DEFAULTS, only: [] };
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new BenchError(`unknown argument "${arg}"\n\n${USAGE}`);
    const [, name = '', value] = match;
    const need = () => {
      if (value === undefined || value === '') throw new BenchError(`--${name} needs a value`);
      return value;
    };
    switch (name) {
      case 'help':
        return 'help';
      case 'warmup':
        options.warmupSeconds = positive(name, need(), true);
        break;
      case 'duration':
        options.durationSeconds = positive(name, need());
        break;
      case 'repeat':
        options.repeat = Math.round(positive(name, need()));
        break;
      case 'connections':
        options.connections = Math.round(positive(name, need()));
        break;
      case 'journey-concurrency':
        options.journeyConcurrency = Math.round(positive(name, need()));
        break;
      case 'login-users':
        options.loginUsers = Math.round(positive(name, need()));
        break;
      case 'storm-rate':
        options.stormVerifyRate = Math.round(positive(name, need()));
        break;
      case 'storm-connections':
        options.stormConnections = Math.round(positive(name, need()));
        break;
      case 'sessions':
        options.sessions = Math.round(positive(name, need(), true));
        break;
      case 'log-level':
        options.logLevel = need();
        break;
      case 'only':
        options.only = need().split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case 'skip-postgres':
        options.skipPostgres = true;
        break;
      case 'profile':
        options.profile = value === undefined || value === '' ? true : value.split(',').map((v) => v.trim()).filter(Boolean);
        break;
      case 'no-write':
        options.write = false;
        break;
      case 'quick':
        options.warmupSeconds = 1;
        options.durationSeconds = 3;
        options.sessions = 10_000;
        break;
      default:
        throw new BenchError(`unknown option --${name}\n\n${USAGE}`);
    }
  }
  // Bounded by construction: no option can make one phase run for more than 2 minutes.
  if (options.warmupSeconds + options.durationSeconds * options.repeat > 120) {
    throw new BenchError('--warmup + --duration × --repeat must stay within 120 s');
  }
  if (options.sessions > 1_000_000) throw new BenchError('--sessions must stay within 1,000,000');
  return options;
}

export function selected(options: BenchOptions, id: string): boolean {
  return options.only.length === 0 || options.only.includes(id);
}
