import { parseArgs } from 'node:util';
import { duration, list, oneOf, whole } from './flags.js';
import { MAX_CONCURRENCY } from './project.js';

export const MODES = ['cold', 'warm'] as const;
/** cold: running orders, every scrape calls DMS with simulated latency; warm: finished orders served from memory. */
export type Mode = (typeof MODES)[number];

export const BASELINES = ['sequential', 'naive-prom-client'] as const;
export type Baseline = (typeof BASELINES)[number];
/**
 * `node-http` is the exporter with the transport it had before undici, run beside it in every case;
 * `static-body` is the warm floor: the exporter's warm body served from a pre-rendered buffer.
 */
export type Variant = 'exporter' | 'node-http' | Baseline | 'static-body';

export interface BenchOptions {
  readonly orderCounts: readonly number[];
  readonly rounds: number;
  /** Simulated DMS latency per call in cold cases (warm cases have none). */
  readonly latencyMs: number;
  /** The exporter's scrape.concurrency; the cold floor is latency x ceil(orders / concurrency). */
  readonly concurrency: number;
  /** A baseline case predicted to take longer than this per scrape is not run, only estimated. */
  readonly baselineBudgetMs: number;
  readonly modes: readonly Mode[];
  readonly baselines: readonly Baseline[];
  readonly out: string;
  /** The Markdown file whose table between the bench markers is rewritten; undefined: left alone. */
  readonly tableFile: string | undefined;
  readonly quick: boolean;
}

export const USAGE = `Usage: npm run bench -- [flags]

  --n=100,1000,10000       order counts, one case per count and mode (default 100,1000,10000)
  --rounds=5               interleaved rounds per case; figures are medians (default 5)
  --latency=50ms           simulated DMS latency per call in cold cases (default 50ms)
  --concurrency=50         the exporter's scrape.concurrency (default 50)
  --baseline-budget=10s    a baseline case predicted to take longer per scrape is estimated, not run (default 10s)
  --modes=cold,warm        which modes to run (default both)
  --baselines=sequential,naive-prom-client
                           which baselines to run beside the exporter (default both; "none" for none)
  --out=FILE               results file (default bench/results.json)
  --no-docs                leave docs/performance.md alone (default: rewrite its table between the markers)
  --quick                  --n=100,1000 --rounds=2 --baseline-budget=3s --no-docs, unless given
  --help                   print this help
`;

const DEFAULTS = {
  n: '100,1000,10000',
  rounds: '5',
  latency: '50ms',
  concurrency: '50',
  'baseline-budget': '10s',
  modes: MODES.join(','),
  baselines: BASELINES.join(','),
  out: 'bench/results.json',
};
const QUICK = { ...DEFAULTS, n: '100,1000', rounds: '2', 'baseline-budget': '3s' };

const FLAGS = {
  n: { type: 'string' },
  rounds: { type: 'string' },
  latency: { type: 'string' },
  concurrency: { type: 'string' },
  'baseline-budget': { type: 'string' },
  modes: { type: 'string' },
  baselines: { type: 'string' },
  out: { type: 'string' },
  'no-docs': { type: 'boolean', default: false },
  quick: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

export type ParsedArgs =
  | { readonly kind: 'run'; readonly options: BenchOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** Pure: argv to options, or the first mistake. Explicit flags win over --quick. */
export function parseBenchArgs(argv: readonly string[], tableFile = 'docs/performance.md'): ParsedArgs {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { kind: 'help' };
  const text = { ...(values.quick ? QUICK : DEFAULTS), ...definedOnly(values) };
  try {
    return {
      kind: 'run',
      options: {
        orderCounts: [...new Set(list(text.n, 'n').map((v) => whole(v, 'n', 1)))].sort((a, b) => a - b),
        rounds: whole(text.rounds, 'rounds', 1),
        latencyMs: duration(text.latency, 'latency'),
        concurrency: whole(text.concurrency, 'concurrency', 1, MAX_CONCURRENCY),
        baselineBudgetMs: duration(text['baseline-budget'], 'baseline-budget'),
        modes: oneOf(list(text.modes, 'modes'), MODES, 'modes'),
        baselines:
          text.baselines === 'none' ? [] : oneOf(list(text.baselines, 'baselines'), BASELINES, 'baselines'),
        out: text.out,
        tableFile: values['no-docs'] || values.quick ? undefined : tableFile,
        quick: values.quick,
      },
    };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

function definedOnly(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}
