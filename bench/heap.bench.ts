/**
 * npm run bench:heap: is the exporter's live heap flat over many scrapes of many orders? The
 * simulator runs as its own process (running jobs, no latency, so every scrape calls DMS for every
 * order and every order's text changes); the exporter is built in this process by the same
 * `createExporter` main.ts uses and scraped over HTTP, so after each scrape a full collection
 * (`--expose-gc`) can be forced and the heap that survives it read: the live set, which RSS only
 * bounds from above. Flat: from the end of the warm-up to the last scrape the post-collection heap
 * grew by at most 5 % or 2 MiB, whichever is larger.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { whole } from './flags.js';

const MIB = 1024 * 1024;
const say = (line: string): boolean => process.stdout.write(`${line}\n`);
const complain = (line: string): boolean => process.stderr.write(`${line}\n`);
const ALLOWED_GROWTH = { ratio: 0.05, bytes: 2 * MIB };

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '10000' },
    scrapes: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '50' },
  },
});

function readFlags(): { orders: number; scrapes: number; warmup: number; concurrency: number } {
  const read = {
    orders: whole(values.orders, 'orders', 1),
    scrapes: whole(values.scrapes, 'scrapes', 1),
    warmup: whole(values.warmup, 'warmup', 1),
    concurrency: whole(values.concurrency, 'concurrency', 1),
  };
  if (read.warmup >= read.scrapes)
    throw new Error(`--warmup: ${read.warmup} is not less than --scrapes (${read.scrapes})`);
  return read;
}

let flags: ReturnType<typeof readFlags>;
try {
  flags = readFlags();
} catch (err) {
  complain(err instanceof Error ? err.message : String(err));
  complain(
    'usage: npm run bench:heap -- [--orders=N] [--scrapes=N] [--warmup=N < scrapes] [--concurrency=N]',
  );
  process.exit(2);
}
const { orders, scrapes, warmup, concurrency } = flags;

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) {
  complain('run with node --expose-gc (npm run bench:heap does)');
  process.exit(2);
}

// The exporter's modules (most of this program's start-up) load once the flags are known to be good.
const { default: pino } = await import('pino');
const { configFromText } = await import('../src/config/parse.js');
const { createExporter } = await import('../src/exporter.js');
const { exporterConfigYaml, scenarioYaml } = await import('./fixtures.js');
const { startSimulator } = await import('./processes.js');
const { createScraper } = await import('./scrape-client.js');

function liveHeapBytes(): number {
  // Twice: the first collection can leave objects whose finalizers free more.
  collect?.();
  collect?.();
  return process.memoryUsage().heapUsed;
}

const dir = await mkdtemp(join(tmpdir(), 'bench-heap-'));
const scenarioFile = join(dir, 'scenario.yaml');
await writeFile(scenarioFile, scenarioYaml('cold', orders, 0));
const simulator = await startSimulator(scenarioFile);
const config = configFromText(
  exporterConfigYaml(simulator.endpoint, orders, concurrency),
  'bench config',
  {},
);
if (!config.ok) throw new Error(config.error.join('\n'));
const exporter = await createExporter({
  source: () => Promise.resolve(config),
  logger: pino({ level: 'silent' }),
  build: { version: 'bench', revision: 'bench' },
});
if (!exporter.ok) throw new Error(exporter.error.join('\n'));
const server = await exporter.value.listen({ host: '127.0.0.1', port: 0 });
const scraper = createScraper(`http://${server.address}`);

const samples: number[] = [];
try {
  say(`${orders} running orders, ${scrapes} scrapes, heap after a forced full collection:`);
  for (let i = 1; i <= scrapes; i++) {
    const scraped = await scraper.scrape();
    if (scraped.status !== 200) throw new Error(`scrape ${i} answered ${scraped.status}`);
    samples.push(liveHeapBytes());
    if (i === 1 || i === warmup || i % 10 === 0) {
      say(`  scrape ${String(i).padStart(4)}: ${(samples[i - 1]! / MIB).toFixed(1)} MiB`);
    }
  }
} finally {
  scraper.close();
  await server.close();
  exporter.value.stop();
  await simulator.stop();
  await rm(dir, { recursive: true, force: true });
}

const start = samples[warmup - 1]!;
const end = samples[samples.length - 1]!;
const peak = Math.max(...samples.slice(warmup - 1));
const allowed = Math.max(start * ALLOWED_GROWTH.ratio, ALLOWED_GROWTH.bytes);
const growth = end - start;
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;
say(
  `after warm-up (scrape ${warmup}) ${mib(start)}, last (scrape ${scrapes}) ${mib(end)}, ` +
    `highest ${mib(peak)}; growth ${growth >= 0 ? '+' : ''}${mib(growth)} (allowed +${mib(allowed)})`,
);
say(growth <= allowed ? 'verdict: flat' : 'verdict: GROWING');
process.exitCode = growth <= allowed ? 0 : 1;
