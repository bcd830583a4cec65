// The shape of bench/results.json (snake_case, like every file this project reads or writes).
import type { Baseline, Mode, Variant } from './options.js';

export interface Machine {
  readonly cpu_model: string;
  readonly cores: number;
  readonly memory_mib: number;
  readonly os: string;
  readonly node: string;
}

export interface MeasuredVariant {
  readonly variant: Variant;
  readonly status: 'measured';
  /** Every scrape this process answered, priming included (RSS is read after the last). */
  readonly scrapes: number;
  /** Median over the measured rounds. */
  readonly scrape_ms: number;
  readonly scrape_ms_samples: readonly number[];
  readonly floor_ratio: number | null;
  /** Median DMS calls per scrape (null for the static body, which calls nothing). */
  readonly dms_calls: number | null;
  /** Process CPU over all measured scrapes divided by their DMS calls (null without calls). */
  readonly cpu_us_per_call: number | null;
  /** Process CPU over all measured scrapes divided by the orders they rendered. */
  readonly cpu_us_per_order: number;
  readonly cpu_ms_total: number;
  readonly simulator_cpu_us_per_call: number | null;
  /** The most orders with up 0 in one measured scrape: non-zero means failed calls (e.g. the deadline). */
  readonly orders_down: number;
  readonly body_bytes: number;
  readonly body_gzip_bytes: number;
  /** Whether the server itself gzipped the body; if not, body_gzip_bytes is the bench's own gzip. */
  readonly server_gzip: boolean;
  readonly rss_mib: number;
  readonly peak_rss_mib: number;
}

/** A baseline case that would take too long: not run, its scrape time estimated. */
export interface EstimatedVariant {
  readonly variant: Baseline;
  readonly status: 'estimated';
  readonly scrape_ms: number;
  readonly floor_ratio: number | null;
  readonly basis: string;
}

export type VariantResult = MeasuredVariant | EstimatedVariant;

export interface CaseResult {
  readonly mode: Mode;
  readonly orders: number;
  /** Simulated DMS latency per call (0 in warm cases). */
  readonly latency_ms: number;
  readonly concurrency: number;
  readonly floor_ms: number | null;
  readonly floor_basis: string;
  readonly variants: readonly VariantResult[];
}

export interface TargetResult {
  readonly id: string;
  readonly description: string;
  readonly limit: number;
  readonly unit: string;
  readonly measured: number | null;
  readonly met: boolean | null;
  /** How the figure was taken, or why there is none. */
  readonly note: string;
}

export interface BenchResults {
  readonly date: string;
  readonly revision: string;
  readonly machine: Machine;
  readonly settings: {
    readonly orders: readonly number[];
    readonly rounds: number;
    readonly latency_ms: number;
    readonly concurrency: number;
    readonly baseline_budget_ms: number;
    readonly quick: boolean;
  };
  /** The clock tick: CPU figures are sums of whole ticks over all measured scrapes. */
  readonly cpu_resolution_ms: number;
  readonly cases: readonly CaseResult[];
  readonly targets: readonly TargetResult[];
}
