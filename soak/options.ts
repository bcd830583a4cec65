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

export const USAGE = `Usage: npm run soak -- [flags]

  --duration=3m        how long to load the exporter (default 3m; the run ends within a minute more)
  --scrapers=6         scrape loops at once, each on its own kept-alive connection (default 6)
  --reload-every=5s    SIGHUP the exporter with a changed config this often; every 4th is invalid (default 5s)
  --rotate-every=7s    rotate the secret and STS token files (and the simulator's keys) this often (default 7s)
  --sample-every=1s    read the exporter's memory, fds and event-loop lag this often (default duration/360, 250ms..2s)
  --out=FILE           write the samples, counts and verdict as JSON
  --help               print this help

Exit code: 0 flat, 3 not flat or a scrape failed, 1 the run could not be made, 2 a bad flag.
`;

const FLAGS = {
  duration: { type: 'string', default: '3m' },
  scrapers: { type: 'string', default: '6' },
  'reload-every': { type: 'string', default: '5s' },
  'rotate-every': { type: 'string', default: '7s' },
  'sample-every': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

export type ParsedSoakArgs =
  | { readonly kind: 'run'; readonly options: SoakOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

export function parseSoakArgs(argv: readonly string[]): ParsedSoakArgs {
  try {
    const { values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false });
    if (values.help) return { kind: 'help' };
    const durationMs = duration(values.duration, 'duration', 1);
    const defaultSample = Math.min(2_000, Math.max(250, Math.round(durationMs / 360)));
    return {
      kind: 'run',
      options: {
        durationMs,
        scrapers: whole(values.scrapers, 'scrapers', 1, 64),
        reloadEveryMs: duration(values['reload-every'], 'reload-every', 1),
        rotateEveryMs: duration(values['rotate-every'], 'rotate-every', 1),
        sampleEveryMs:
          values['sample-every'] === undefined
            ? defaultSample
            : duration(values['sample-every'], 'sample-every', 1),
        out: values.out,
      },
    };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
