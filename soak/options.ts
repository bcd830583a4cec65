import { parseArgs } from 'node:util';
import { duration, whole } from '../bench/flags.js';

export interface SoakOptions {
  readonly durationMs: number;
  /** Scrape loops running at once, each on its own kept-alive connection. */
  readonly scrapers: number;
  readonly reloadEveryMs: number;
  readonly rotateEveryMs: number;
  readonly sampleEveryMs: number;
  /** Results as JSON; undefined: none. */
  readonly out: string | undefined;
}

/** `--auth-flood`: wrong passwords from many clients beside one valid scraper and a health checker. */
export interface AuthFloodOptions {
  readonly durationMs: number;
  /** Clients sending distinct wrong passwords, each on its own kept-alive connection. */
  readonly flooders: number;
  /** bcrypt cost of the one configured user's hash. */
  readonly cost: number;
  /** How often the valid user scrapes /metrics, and the health checker calls /-/healthy. */
  readonly probeEveryMs: number;
  readonly out: string | undefined;
}

/** `--login-timing`: how long a failed login takes, for an unknown user and for users of each cost. */
export interface LoginTimingOptions {
  /** Failed logins per user (and for the unknown user). */
  readonly rounds: number;
  /** The configured users' bcrypt costs, one user each. */
  readonly costs: readonly number[];
  readonly out: string | undefined;
}

export const USAGE = `Usage: npm run soak -- [flags]

  --duration=3m        how long to load the exporter (default 3m; the run ends within a minute more)
  --scrapers=6         scrape loops at once, each on its own kept-alive connection (default 6)
  --reload-every=5s    SIGHUP the exporter with a changed config this often, once the last reload is done; the 2nd of every 4 is invalid (default 5s)
  --rotate-every=7s    rotate the secret and STS token files (and the simulator's keys) this often (default 7s)
  --sample-every=1s    read the exporter's memory, fds and event-loop lag this often (default duration/360, 250ms..2s)
  --out=FILE           write the samples, counts and verdict as JSON
  --help               print this help

  --auth-flood         instead: basic auth on, --flooders clients send distinct wrong passwords for
                       --duration (default 60s) while one valid user scrapes /metrics once a second and
                       a health checker calls /-/healthy once a second; prints their latencies
    --flooders=150     clients in the flood (default 150)
    --cost=10          bcrypt cost of the valid user's hash (default 10)
    --probe-every=1s   how often the valid user scrapes and the health checker calls (default 1s)

  --login-timing       instead: users with the bcrypt costs of --costs, and failed logins for each and
                       for an unknown user, one at a time; prints how long each kind took
    --costs=8,10,12    one user per cost (default 8,10,12)
    --rounds=10        failed logins per user (default 10)

Exit code: 0 flat (--auth-flood: its goals met), 3 not flat or a scrape failed (--auth-flood: a goal
missed), 1 the run could not be made, 2 a bad flag.
`;

const FLAGS = {
  duration: { type: 'string' },
  scrapers: { type: 'string', default: '6' },
  'reload-every': { type: 'string', default: '5s' },
  'rotate-every': { type: 'string', default: '7s' },
  'sample-every': { type: 'string' },
  out: { type: 'string' },
  'auth-flood': { type: 'boolean', default: false },
  flooders: { type: 'string', default: '150' },
  cost: { type: 'string', default: '10' },
  'probe-every': { type: 'string', default: '1s' },
  'login-timing': { type: 'boolean', default: false },
  costs: { type: 'string', default: '8,10,12' },
  rounds: { type: 'string', default: '10' },
  help: { type: 'boolean', default: false },
} as const;

export type ParsedSoakArgs =
  | { readonly kind: 'run'; readonly options: SoakOptions }
  | { readonly kind: 'auth-flood'; readonly options: AuthFloodOptions }
  | { readonly kind: 'login-timing'; readonly options: LoginTimingOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

type Values = ReturnType<typeof parseArgs<{ options: typeof FLAGS; strict: true }>>['values'];

export function parseSoakArgs(argv: readonly string[]): ParsedSoakArgs {
  try {
    const { values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false });
    if (values.help) return { kind: 'help' };
    if (values['auth-flood'] && values['login-timing'])
      throw new Error('--auth-flood and --login-timing: choose one');
    if (values['auth-flood']) return { kind: 'auth-flood', options: authFloodOptions(values) };
    if (values['login-timing']) return { kind: 'login-timing', options: loginTimingOptions(values) };
    return { kind: 'run', options: soakOptions(values) };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

function soakOptions(values: Values): SoakOptions {
  const durationMs = duration(values.duration ?? '3m', 'duration', 1);
  const defaultSample = Math.min(2_000, Math.max(250, Math.round(durationMs / 360)));
  return {
    durationMs,
    scrapers: whole(values.scrapers, 'scrapers', 1, 64),
    reloadEveryMs: duration(values['reload-every'], 'reload-every', 1),
    rotateEveryMs: duration(values['rotate-every'], 'rotate-every', 1),
    sampleEveryMs:
      values['sample-every'] === undefined
        ? defaultSample
        : duration(values['sample-every'], 'sample-every', 1),
    out: values.out,
  };
}

function authFloodOptions(values: Values): AuthFloodOptions {
  return {
    durationMs: duration(values.duration ?? '60s', 'duration', 1),
    flooders: whole(values.flooders, 'flooders', 1, 1000),
    cost: whole(values.cost, 'cost', 4, 16),
    probeEveryMs: duration(values['probe-every'], 'probe-every', 1),
    out: values.out,
  };
}

function loginTimingOptions(values: Values): LoginTimingOptions {
  const costs = values.costs.split(',').map((cost) => whole(cost.trim(), 'costs', 4, 16));
  return { rounds: whole(values.rounds, 'rounds', 1, 1000), costs, out: values.out };
}
