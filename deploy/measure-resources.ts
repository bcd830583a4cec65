/**
 * Measures what the exporter process costs, for the Deployment's resource requests and limits:
 * resident memory (now and peak) and CPU time, read from /proc, while Prometheus-like scrapes hit it.
 *
 *   npm run build && npx tsx deploy/measure-resources.ts \
 *     [--orders=300] [--scrapes=60] [--interval-ms=1000] [--node-options=--max-old-space-size=96]
 *
 * Two runs: `--demo` (the built-in simulator in the same process, ten orders), and the exporter alone
 * against `dms-datatrack-exporter simulate` with --orders orders, every order asked on every scrape
 * (`terminal_recheck: 0s`, `min_interval: 0s`, the most DMS work a scrape can do). One scrape a second is 60 times the
 * rate of the shipped 60 s scrape interval. The CPU figure is CPU time per scrape. Linux only (/proc).
 * The figures and their date go into docs/deploy.md and deploy/src/constants.ts by hand.
 *
 * Why the interval matters: RSS follows the calls per second (garbage V8 has not collected yet),
 * so back-to-back scrapes cost far more memory than the shipped one-a-minute rate.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { whole } from '../bench/flags.js';
import { memory, settledCpuMs, startExporter, startSimulator, type Memory } from '../bench/processes.js';
import { median } from '../bench/stats.js';

const KEY = { id: 'LTAImeasureKey0001', secret: 'measure-secret-7Qp' };
/**
 * The scenario's finished jobs end 3 s after the simulator starts (list, download and filter 1 s
 * each), its failed ones after 2 s (list 1 s, then half of a 2 s download).
 */
const SCENARIO_SETTLED_MS = 3000;
const USAGE =
  'usage: npx tsx deploy/measure-resources.ts [--orders=N] [--scrapes=N] [--interval-ms=N] [--node-options=...]';

interface Sample extends Memory {
  readonly cpuMs: number;
}

function flag(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : arg.slice(name.length + 3);
}

interface Run {
  readonly label: string;
  readonly idle: Sample;
  readonly end: Sample;
  readonly scrapes: number;
  readonly scrapeMs: number[];
}

/** Starts the exporter with `args` (NODE_OPTIONS, if any, for it alone), scrapes it and stops it. */
async function measure(
  label: string,
  args: string[],
  nodeOptions: string,
  scrapes: number,
  intervalMs: number,
): Promise<Run> {
  const exporter = await startExporter(args, nodeOptions === '' ? {} : { NODE_OPTIONS: nodeOptions });
  try {
    await sleep(1000);
    const idle = { ...memory(exporter.pid), cpuMs: await settledCpuMs(exporter.pid) };
    const scrapeMs: number[] = [];
    for (let i = 0; i < scrapes; i++) {
      if (i > 0) await sleep(intervalMs);
      const start = performance.now();
      const response = await fetch(`${exporter.url}/metrics`, {
        headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '15' },
      });
      await response.text();
      if (!response.ok) throw new Error(`scrape ${i + 1} answered ${response.status}`);
      scrapeMs.push(performance.now() - start);
    }
    // RSS right after the last scrape; CPU once the process has finished the work the scrapes left.
    const rss = memory(exporter.pid);
    return { label, idle, end: { ...rss, cpuMs: await settledCpuMs(exporter.pid) }, scrapes, scrapeMs };
  } finally {
    await exporter.stop();
  }
}

function scenarioYaml(orders: number): string {
  // A mix of states: most running for an hour, every fifth finished, every tenth failed.
  const lines = Array.from({ length: orders }, (_, i) => {
    const id = 100_001 + i;
    if (i % 10 === 9)
      return `  - { id: ${id}, list: 1s, pause: 0s, download: 2s, outcome: download_fail, stop_at: { ratio: 0.5 } }`;
    if (i % 5 === 4) return `  - { id: ${id}, list: 1s, pause: 0s, download: 1s, filter: 1s }`;
    return `  - { id: ${id}, list: 20m, download: 20m, filter: 20m }`;
  });
  return `credentials:\n  - { access_key_id: ${KEY.id}, access_key_secret: ${KEY.secret} }\norders:\n${lines.join('\n')}\n`;
}

function configYaml(endpoint: string, orders: number): string {
  const lines = Array.from({ length: orders }, (_, i) => `  - { id: ${100_001 + i}, name: order-${i + 1} }`);
  return `profiles:
  default: { endpoint: '${endpoint}', protocol: http, access_key_id: ${KEY.id}, access_key_secret: ${KEY.secret} }
scrape: { timeout: 14s, concurrency: 8, terminal_recheck: 0s, min_interval: 0s }
orders:
${lines.join('\n')}
`;
}

async function withSimulator<T>(orders: number, run: (configFile: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'dms-measure-'));
  try {
    writeFileSync(join(dir, 'scenario.yaml'), scenarioYaml(orders));
    const simulator = await startSimulator(join(dir, 'scenario.yaml'));
    try {
      await sleep(SCENARIO_SETTLED_MS); // the scenario's failed and finished jobs reach their final state
      writeFileSync(join(dir, 'config.yaml'), configYaml(simulator.endpoint, orders));
      return await run(join(dir, 'config.yaml'));
    } finally {
      await simulator.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MIB = 1024 * 1024;

function report(run: Run): void {
  const cpu = (run.end.cpuMs - run.idle.cpuMs) / 1000;
  const out = [
    `${run.label}:`,
    `  RSS idle ${(run.idle.rssBytes / MIB).toFixed(1)} MiB, after ${run.scrapes} scrapes ${(run.end.rssBytes / MIB).toFixed(1)} MiB, peak ${(run.end.peakRssBytes / MIB).toFixed(1)} MiB`,
    `  CPU ${((cpu / run.scrapes) * 1000).toFixed(1)} ms per scrape (${cpu.toFixed(2)} s for ${run.scrapes}), scrape wall time median ${median(run.scrapeMs).toFixed(0)} ms`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

interface Options {
  readonly orders: number;
  readonly scrapes: number;
  readonly intervalMs: number;
  /** The exporter's Node flags, e.g. --node-options=--max-old-space-size=96 as in the Deployment. */
  readonly nodeOptions: string;
}

function options(): Options | undefined {
  try {
    return {
      orders: whole(flag('orders', '300'), 'orders', 1),
      scrapes: whole(flag('scrapes', '60'), 'scrapes', 1),
      intervalMs: whole(flag('interval-ms', '1000'), 'interval-ms', 0),
      nodeOptions: flag('node-options', ''),
    };
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const parsed = options();
  if (parsed === undefined) return 2;
  const { orders, scrapes, intervalMs, nodeOptions } = parsed;
  process.stdout.write(
    `node ${process.version}, ${new Date().toISOString().slice(0, 10)}, NODE_OPTIONS=${JSON.stringify(nodeOptions)}\n`,
  );
  const every = `${scrapes} scrapes ${intervalMs} ms apart`;
  report(
    await measure(
      `--demo (exporter + in-process simulator, 10 orders), ${every}`,
      ['--demo'],
      nodeOptions,
      scrapes,
      intervalMs,
    ),
  );
  const alone = await withSimulator(orders, (configFile) =>
    measure(
      `${orders} orders, every order asked on every scrape, ${every}`,
      [`--config.file=${configFile}`],
      nodeOptions,
      scrapes,
      intervalMs,
    ),
  );
  report(alone);
  return 0;
}

process.exitCode = await main();
