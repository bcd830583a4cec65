// One case (a mode and an order count): a simulator, the exporter (and beside it the exporter with
// its former node:http transport) and the baselines as separate processes; rounds in which each is scraped once, in rotating order; medians and totals.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { baselineSpecJson, exporterConfigYaml, scenarioYaml } from './fixtures.js';
import type { Baseline, Mode, Variant } from './options.js';
import {
  cpuMs,
  memory,
  settledCpuMs,
  startBaseline,
  startExporter,
  startNodeHttpExporter,
  startSimulator,
  startStaticBody,
  type Running,
} from './processes.js';
import { ORDER_FAMILIES } from './project.js';
import type { MeasuredVariant } from './results.js';
import { callCounter, createScraper, gzipBytes, type Scraped, type Scraper } from './scrape-client.js';
import { median, rotate, round, sum } from './stats.js';

export interface CaseSpec {
  readonly mode: Mode;
  readonly orders: number;
  /** Simulated latency per DMS call; 0 for warm cases. */
  readonly latencyMs: number;
  readonly concurrency: number;
  readonly rounds: number;
  /** The baselines to run in this case (those within the time budget). */
  readonly baselines: readonly Baseline[];
}

export interface MeasuredCase {
  readonly floorMs: number | null;
  readonly floorBasis: string;
  readonly variants: readonly MeasuredVariant[];
}

interface Sample {
  readonly ms: number;
  readonly cpuMs: number;
  readonly simulatorCpuMs: number;
  readonly calls: number | undefined;
  readonly ordersDown: number;
}

interface Contender {
  readonly variant: Variant;
  readonly process: Running;
  readonly scraper: Scraper;
  readonly samples: Sample[];
  scrapes: number;
  counter: number;
  last: Scraped | undefined;
}

export async function runCase(
  spec: CaseSpec,
  workDir: string,
  progress: (line: string) => void,
): Promise<MeasuredCase> {
  const dir = await mkdtemp(join(workDir, `${spec.mode}-${spec.orders}-`));
  const started: Running[] = [];
  const contenders: Contender[] = [];
  const enlist = (variant: Variant, process: Running): Contender => {
    const scraper = createScraper(process.url);
    const contender = { variant, process, scraper, samples: [], scrapes: 0, counter: 0, last: undefined };
    contenders.push(contender);
    return contender;
  };
  try {
    const scenarioFile = join(dir, 'scenario.yaml');
    await writeFile(scenarioFile, scenarioYaml(spec.mode, spec.orders, spec.latencyMs));
    const simulator = await startSimulator(scenarioFile);
    started.push(simulator);
    const configFile = join(dir, 'exporter.yaml');
    const specFile = join(dir, 'baseline.json');
    await writeFile(configFile, exporterConfigYaml(simulator.endpoint, spec.orders, spec.concurrency));
    await writeFile(specFile, baselineSpecJson(simulator.endpoint, spec.orders));
    const variants: Variant[] = ['exporter', 'node-http', ...spec.baselines];
    const processes = await startAll(started, [
      startExporter([`--config.file=${configFile}`]),
      startNodeHttpExporter([`--config.file=${configFile}`]),
      ...spec.baselines.map((b) => startBaseline(b, specFile)),
    ]);
    processes.forEach((process, i) => enlist(variants[i] ?? 'exporter', process));

    if (spec.mode === 'warm') {
      // The first scrape fills the exporter's memory of finished jobs; it is not measured.
      for (const contender of contenders) await scrapeOnce(contender, simulator.pid);
      const bodyFile = join(dir, 'warm-body.prom');
      await writeFile(bodyFile, contenders[0]?.last?.body ?? '');
      const [staticBody] = await startAll(started, [startStaticBody(bodyFile)]);
      if (staticBody !== undefined) await scrapeOnce(enlist('static-body', staticBody), simulator.pid);
    }

    for (let r = 0; r < spec.rounds; r++) {
      const figures: string[] = [];
      for (const contender of rotate(contenders, r)) {
        const sample = await scrapeOnce(contender, simulator.pid);
        contender.samples.push(sample);
        figures.push(`${contender.variant} ${Math.round(sample.ms)} ms`);
      }
      progress(`  round ${r + 1}/${spec.rounds}: ${figures.join(', ')}`);
    }

    const floor = floorOf(spec, contenders);
    return { ...floor, variants: contenders.map((c) => summarize(c, spec.orders, floor.floorMs)) };
  } finally {
    for (const contender of contenders) contender.scraper.close();
    await Promise.all(started.map((process) => process.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

/** Starts processes in parallel; whatever started is stopped by the caller even if another failed. */
async function startAll(started: Running[], starting: ReadonlyArray<Promise<Running>>): Promise<Running[]> {
  const settled = await Promise.allSettled(starting);
  for (const result of settled) if (result.status === 'fulfilled') started.push(result.value);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<Running>).value);
}

/**
 * The bench's own garbage (megabytes of bodies) collected now rather than during the next scrape,
 * where it would compete for the same two cores; `npm run bench` runs node with --expose-gc.
 */
function collectOwnGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function scrapeOnce(contender: Contender, simulatorPid: number): Promise<Sample> {
  const { pid } = contender.process;
  collectOwnGarbage();
  const cpuBefore = cpuMs(pid);
  const simulatorBefore = cpuMs(simulatorPid);
  const scraped = await contender.scraper.scrape();
  // Work the process does after answering (garbage collection of the body) belongs to this scrape.
  const cpuAfter = await settledCpuMs(pid);
  const simulatorAfter = cpuMs(simulatorPid);
  if (scraped.status !== 200) throw new Error(`${contender.variant} answered HTTP ${scraped.status}`);
  const text = scraped.body.toString('utf8');
  const counter = callCounter(text);
  const calls = counter === undefined ? undefined : counter - contender.counter;
  contender.counter = counter ?? 0;
  contender.scrapes += 1;
  contender.last = scraped;
  return {
    ms: scraped.ms,
    cpuMs: cpuAfter - cpuBefore,
    simulatorCpuMs: simulatorAfter - simulatorBefore,
    calls: contender.variant === 'static-body' ? undefined : calls,
    ordersDown: countOrdersDown(text),
  };
}

/** Orders whose up series is 0: a scrape that hit its deadline or an error shows here. */
function countOrdersDown(text: string): number {
  const down = new RegExp(`^${ORDER_FAMILIES.up.name}\\{[^}]*\\} 0$`, 'gm');
  let count = 0;
  while (down.exec(text) !== null) count += 1;
  return count;
}

/** cold: latency x ceil(orders / concurrency), computed; warm: the static body server, measured. */
function floorOf(spec: CaseSpec, contenders: readonly Contender[]): Omit<MeasuredCase, 'variants'> {
  if (spec.mode === 'cold') {
    const batches = Math.ceil(spec.orders / spec.concurrency);
    return {
      floorMs: spec.latencyMs > 0 ? spec.latencyMs * batches : null,
      floorBasis: `${spec.latencyMs} ms latency x ceil(${spec.orders} / ${spec.concurrency})`,
    };
  }
  const floor = contenders.find((c) => c.variant === 'static-body');
  return {
    floorMs: floor === undefined ? null : median(floor.samples.map((s) => s.ms)),
    floorBasis: "the exporter's warm body served pre-rendered (static-body), measured",
  };
}

function summarize(contender: Contender, orders: number, floorMs: number | null): MeasuredVariant {
  const { samples, last } = contender;
  const scrapeMs = median(samples.map((s) => s.ms));
  const cpuTotal = sum(samples.map((s) => s.cpuMs));
  const counted = samples.map((s) => s.calls).filter((c): c is number => c !== undefined);
  const calls = sum(counted);
  const memoryNow = memory(contender.process.pid);
  const mib = (bytes: number): number => round(bytes / 2 ** 20, 1);
  return {
    variant: contender.variant,
    status: 'measured',
    scrapes: contender.scrapes,
    scrape_ms: round(scrapeMs, 2),
    scrape_ms_samples: samples.map((s) => round(s.ms, 2)),
    floor_ratio: floorMs === null || floorMs <= 0 ? null : round(scrapeMs / floorMs, 3),
    dms_calls: counted.length === 0 ? null : median(counted),
    cpu_us_per_call: calls > 0 ? round((cpuTotal * 1000) / calls, 1) : null,
    cpu_us_per_order: round((cpuTotal * 1000) / (orders * samples.length), 2),
    cpu_ms_total: cpuTotal,
    simulator_cpu_us_per_call:
      calls > 0 ? round((sum(samples.map((s) => s.simulatorCpuMs)) * 1000) / calls, 1) : null,
    orders_down: Math.max(0, ...samples.map((s) => s.ordersDown)),
    body_bytes: last?.body.length ?? 0,
    body_gzip_bytes: last === undefined ? 0 : gzipBytes(last),
    server_gzip: last?.serverGzip ?? false,
    rss_mib: mib(memoryNow.rssBytes),
    peak_rss_mib: mib(memoryNow.peakRssBytes),
  };
}
