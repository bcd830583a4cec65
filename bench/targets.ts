// The scrape path's performance targets (a warm scrape's render cost, a cold scrape's time against
// the floor DMS latency sets), each checked against the exporter's figures in this run.
import type { Mode } from './options.js';
import type { BenchResults, CaseResult, MeasuredVariant, TargetResult } from './results.js';

/** The settings the cold targets are stated for. */
const TARGET_LATENCY_MS = 50;
const TARGET_CONCURRENCY = 50;
const RSS_SCRAPES = 5;

interface Target {
  readonly id: string;
  readonly description: string;
  readonly limit: number;
  readonly unit: string;
  readonly mode: Mode;
  readonly orders: number;
  readonly figure: (exporter: MeasuredVariant) => number | null;
}

const TARGETS: readonly Target[] = [
  {
    id: 'warm_scrape_10k',
    description: 'warm scrape, 10,000 final orders, text format',
    limit: 150,
    unit: 'ms',
    mode: 'warm',
    orders: 10_000,
    figure: (v) => v.scrape_ms,
  },
  {
    id: 'render_cpu_per_order',
    description: 'render cost per order (exporter CPU of a warm 10,000-order scrape / orders)',
    limit: 20,
    unit: 'µs',
    mode: 'warm',
    orders: 10_000,
    figure: (v) => v.cpu_us_per_order,
  },
  {
    id: 'cold_1k_floor_ratio',
    description: 'cold scrape, 1,000 running orders, 50 ms latency, concurrency 50: time / floor',
    limit: 1.1,
    unit: '× floor',
    mode: 'cold',
    orders: 1_000,
    figure: (v) => v.floor_ratio,
  },
  {
    id: 'cold_1k_cpu_per_call',
    description:
      'cold scrape, 1,000 running orders, 50 ms latency, concurrency 50: exporter CPU per DMS call',
    limit: 300,
    unit: 'µs',
    mode: 'cold',
    orders: 1_000,
    figure: (v) => v.cpu_us_per_call,
  },
  {
    id: 'cold_10k_floor_ratio',
    description: 'cold scrape, 10,000 running orders, 50 ms latency, concurrency 50: time / floor',
    limit: 1.15,
    unit: '× floor',
    mode: 'cold',
    orders: 10_000,
    figure: (v) => v.floor_ratio,
  },
];

function exporterIn(cases: readonly CaseResult[], mode: Mode, orders: number): MeasuredVariant | undefined {
  const found = cases.find((c) => c.mode === mode && c.orders === orders);
  const exporter = found?.variants.find((v) => v.variant === 'exporter');
  return exporter?.status === 'measured' ? exporter : undefined;
}

function verdict(
  target: Omit<Target, 'figure' | 'mode' | 'orders'>,
  measured: number | null,
  note: string,
): TargetResult {
  const { id, description, limit, unit } = target;
  return { id, description, limit, unit, measured, met: measured === null ? null : measured <= limit, note };
}

function checkTarget(target: Target, results: Pick<BenchResults, 'cases' | 'settings'>): TargetResult {
  const { latency_ms: latency, concurrency } = results.settings;
  if (target.mode === 'cold' && (latency !== TARGET_LATENCY_MS || concurrency !== TARGET_CONCURRENCY)) {
    const note = `not measured: this run used ${latency} ms latency and concurrency ${concurrency}`;
    return verdict(target, null, note);
  }
  const exporter = exporterIn(results.cases, target.mode, target.orders);
  if (exporter === undefined)
    return verdict(
      target,
      null,
      `not measured: no ${target.mode} case with ${target.orders.toLocaleString('en-US')} orders in this run`,
    );
  return verdict(target, target.figure(exporter), `median of ${exporter.scrape_ms_samples.length} scrapes`);
}

/** RSS of the exporter after its scrapes of 10,000 orders: the larger of the cold and warm processes. */
function checkRss(cases: readonly CaseResult[]): TargetResult {
  const target = {
    id: 'rss_10k',
    description: `exporter RSS after ${RSS_SCRAPES} scrapes of 10,000 orders`,
    limit: 150,
    unit: 'MiB',
  };
  const measured = (['cold', 'warm'] as const)
    .map((mode) => ({ mode, exporter: exporterIn(cases, mode, 10_000) }))
    .filter((m): m is { mode: Mode; exporter: MeasuredVariant } => m.exporter !== undefined);
  const worst = measured.sort((a, b) => b.exporter.rss_mib - a.exporter.rss_mib)[0];
  if (worst === undefined)
    return verdict(target, null, 'not measured: no case with 10,000 orders in this run');
  const { scrapes, rss_mib: rss } = worst.exporter;
  const few = scrapes < RSS_SCRAPES ? ` (only ${scrapes} scrapes: run with more rounds)` : '';
  return verdict(
    target,
    rss,
    `${worst.mode} process after ${scrapes} scrapes, the larger of cold and warm${few}`,
  );
}

export function checkTargets(results: Pick<BenchResults, 'cases' | 'settings'>): TargetResult[] {
  return [...TARGETS.map((target) => checkTarget(target, results)), checkRss(results.cases)];
}
