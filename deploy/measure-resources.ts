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
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const EXPORTER = 'dist/main.js';
/** Linux reports CPU time in clock ticks of 1/100 s (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;
const KEY = { id: 'LTAImeasureKey0001', secret: 'measure-secret-7Qp' };
/** Keeps the Alibaba credential chain from probing the network or $HOME. */
const ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
  ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true',
};

interface Sample {
  readonly rssBytes: number;
  readonly peakRssBytes: number;
  readonly cpuSeconds: number;
}

function flag(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : arg.slice(name.length + 3);
}

function sample(pid: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the line.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return {
    rssBytes: kib('VmRSS') * 1024,
    peakRssBytes: kib('VmHWM') * 1024,
    cpuSeconds: ticks / TICKS_PER_SECOND,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${url} not ready within 20 s`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Run {
  readonly label: string;
  readonly idle: Sample;
  readonly end: Sample;
  readonly scrapes: number;
  readonly scrapeMs: number[];
}

async function measure(label: string, args: string[], scrapes: number, intervalMs: number): Promise<Run> {
  const port = await freePort();
  const child = spawn(process.execPath, [EXPORTER, `--web.listen-address=127.0.0.1:${port}`, ...args], {
    env: ENV,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('exporter did not start');
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/-/ready`, child);
    await sleep(1000);
    const idle = sample(pid);
    const scrapeMs: number[] = [];
    for (let i = 0; i < scrapes; i++) {
      if (i > 0) await sleep(intervalMs);
      const start = performance.now();
      const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '15' },
      });
      await response.text();
      scrapeMs.push(performance.now() - start);
    }
    return { label, idle, end: sample(pid), scrapes, scrapeMs };
  } finally {
    await stop(child);
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
  const port = await freePort();
  writeFileSync(join(dir, 'scenario.yaml'), scenarioYaml(orders));
  const simulator = spawn(
    process.execPath,
    [EXPORTER, 'simulate', `--scenario=${join(dir, 'scenario.yaml')}`, `--listen=127.0.0.1:${port}`],
    { env: ENV, stdio: ['ignore', 'ignore', 'ignore'] },
  );
  try {
    await sleep(1500); // the scenario's failed and finished jobs reach their final state
    writeFileSync(join(dir, 'config.yaml'), configYaml(`127.0.0.1:${port}`, orders));
    return await run(join(dir, 'config.yaml'));
  } finally {
    await stop(simulator);
    rmSync(dir, { recursive: true, force: true });
  }
}

const MIB = 1024 * 1024;

function report(run: Run): void {
  const cpu = run.end.cpuSeconds - run.idle.cpuSeconds;
  const sorted = [...run.scrapeMs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  const out = [
    `${run.label}:`,
    `  RSS idle ${(run.idle.rssBytes / MIB).toFixed(1)} MiB, after ${run.scrapes} scrapes ${(run.end.rssBytes / MIB).toFixed(1)} MiB, peak ${(run.end.peakRssBytes / MIB).toFixed(1)} MiB`,
    `  CPU ${((cpu / run.scrapes) * 1000).toFixed(1)} ms per scrape (${cpu.toFixed(2)} s for ${run.scrapes}), scrape wall time median ${median.toFixed(0)} ms`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  const orders = Number(flag('orders', '300'));
  const scrapes = Number(flag('scrapes', '60'));
  const intervalMs = Number(flag('interval-ms', '1000'));
  // The exporter's Node flags, e.g. --node-options=--max-old-space-size=96 as in the Deployment.
  const nodeOptions = flag('node-options', '');
  if (nodeOptions !== '') ENV.NODE_OPTIONS = nodeOptions;
  process.stdout.write(
    `node ${process.version}, ${new Date().toISOString().slice(0, 10)}, NODE_OPTIONS=${JSON.stringify(nodeOptions)}\n`,
  );
  const every = `${scrapes} scrapes ${intervalMs} ms apart`;
  report(
    await measure(
      `--demo (exporter + in-process simulator, 10 orders), ${every}`,
      ['--demo'],
      scrapes,
      intervalMs,
    ),
  );
  const alone = await withSimulator(orders, (configFile) =>
    measure(
      `${orders} orders, every order asked on every scrape, ${every}`,
      [`--config.file=${configFile}`],
      scrapes,
      intervalMs,
    ),
  );
  report(alone);
}

await main();
