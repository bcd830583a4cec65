/**
 * npm run bench: what a scrape costs, the exporter beside two naive designs, each a separate process
 * scraped over HTTP against the simulator (also a separate process). For each order count and mode
 * (cold: running orders, every scrape calls DMS with simulated latency; warm: finished orders the
 * exporter serves from memory) the variants are scraped in interleaved rounds; figures are medians.
 * Writes bench/results.json and the table in docs/performance.md. `npm run bench -- --help` for flags.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORTER_BIN } from '../test/support/process.js';
import { BaselineHistory } from './estimate.js';
import { describeMachine, describeRevision } from './machine.js';
import { parseBenchArgs, USAGE, type Baseline, type BenchOptions, type Mode } from './options.js';
import { rewriteTable, writeResults } from './output.js';
import { cpuResolutionMs } from './processes.js';
import { casesTable, estimateNotes, formatMs, machineLine, targetsTable, transportTable } from './report.js';
import type { BenchResults, CaseResult, EstimatedVariant, VariantResult } from './results.js';
import { runCase } from './run-case.js';
import { round } from './stats.js';
import { checkTargets } from './targets.js';

const VARIANT_ORDER = ['exporter', 'node-http', 'sequential', 'naive-prom-client', 'static-body'];

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function benchCase(
  mode: Mode,
  orders: number,
  options: BenchOptions,
  history: BaselineHistory,
  workDir: string,
): Promise<CaseResult> {
  const latencyMs = mode === 'cold' ? options.latencyMs : 0;
  const run: Baseline[] = [];
  const skipped: Array<{ baseline: Baseline; ms: number; basis: string }> = [];
  for (const baseline of options.baselines) {
    const estimate = history.predict(baseline, mode, orders, latencyMs);
    if (estimate.ms <= options.baselineBudgetMs) run.push(baseline);
    else skipped.push({ baseline, ...estimate });
  }
  const estimatedText = skipped.map((s) => `${s.baseline} (~${formatMs(s.ms)}, estimated only)`);
  progress(`${mode}, ${orders} orders: ${['exporter', ...run, ...estimatedText].join(', ')}`);

  const spec = { mode, orders, latencyMs, concurrency: options.concurrency, rounds: options.rounds };
  const measured = await runCase({ ...spec, baselines: run }, workDir, progress);
  for (const v of measured.variants)
    if (v.variant === 'sequential' || v.variant === 'naive-prom-client')
      history.record(v.variant, mode, orders, v.scrape_ms);
  const floorMs = measured.floorMs;
  const estimated = skipped.map((s): EstimatedVariant => ({
    variant: s.baseline,
    status: 'estimated',
    scrape_ms: round(s.ms, 0),
    floor_ratio: floorMs === null || floorMs <= 0 ? null : round(s.ms / floorMs, 2),
    basis: s.basis,
  }));
  const byVariant = (a: VariantResult, b: VariantResult): number =>
    VARIANT_ORDER.indexOf(a.variant) - VARIANT_ORDER.indexOf(b.variant);
  return {
    mode,
    orders,
    latency_ms: latencyMs,
    concurrency: options.concurrency,
    floor_ms: floorMs === null ? null : round(floorMs, 2),
    floor_basis: measured.floorBasis,
    variants: [...measured.variants, ...estimated].sort(byVariant),
  };
}

function section(results: BenchResults, out: string): string {
  const notes = estimateNotes(results);
  const transports = transportTable(results);
  return [
    machineLine(results),
    casesTable(results),
    ...(notes === '' ? [] : [notes]),
    ...(transports === '' ? [] : [transports]),
    targetsTable(results),
    `All figures, with every sample: \`${out}\`.`,
  ].join('\n\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseBenchArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`error: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const { options } = parsed;
  if (!existsSync(EXPORTER_BIN)) {
    process.stderr.write(`error: ${EXPORTER_BIN} is missing: run npm run build (npm run bench does)\n`);
    return 1;
  }
  const history = new BaselineHistory();
  const cases: CaseResult[] = [];
  const workDir = await mkdtemp(join(tmpdir(), 'dms-bench-'));
  try {
    for (const orders of options.orderCounts)
      for (const mode of options.modes) cases.push(await benchCase(mode, orders, options, history, workDir));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  const settings = {
    orders: options.orderCounts,
    rounds: options.rounds,
    latency_ms: options.latencyMs,
    concurrency: options.concurrency,
    baseline_budget_ms: options.baselineBudgetMs,
    quick: options.quick,
  };
  const results: BenchResults = {
    date: new Date().toISOString(),
    revision: describeRevision(),
    machine: describeMachine(),
    settings,
    cpu_resolution_ms: cpuResolutionMs(),
    cases,
    targets: checkTargets({ cases, settings }),
  };
  const text = section(results, options.out);
  process.stdout.write(`\n${text}\n`);
  await writeResults(options.out, results);
  progress(`\nwrote ${options.out}`);
  if (options.tableFile !== undefined) {
    await rewriteTable(options.tableFile, text);
    progress(`rewrote the table in ${options.tableFile}`);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
