/**
 * npm run soak: the built exporter and simulator as separate processes, scraped by several loops at
 * once for minutes while the config is reloaded (SIGHUP, some reloads invalid) and the secret and
 * STS token files rotate, against orders with faults. Reads the exporter's memory, heap, open fds and
 * event-loop lag from its own /metrics, and says whether they stayed flat after warm-up.
 * `npm run soak -- --help` for the flags.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine, describeRevision } from '../bench/machine.js';
import { EXPORTER_BIN, serveExporter, serveSimulator, type Serving } from '../test/support/process.js';
import { authFlood, authFloodSummary, writeAuthFloodJson } from './auth-flood.js';
import {
  CONFIG_FILE,
  SCENARIO_FILE,
  countLogged,
  reloadsLogged,
  startChaos,
  type ChaosCounts,
} from './chaos.js';
import { configYaml, newKeys, scenarioYaml, writeSecretFiles } from './fixtures.js';
import { startScrapers, type LoadCounts } from './load.js';
import { loginTiming, loginTimingSummary, writeLoginTimingJson } from './login-timing.js';
import {
  parseSoakArgs,
  USAGE,
  type AuthFloodOptions,
  type LoginTimingOptions,
  type SoakOptions,
} from './options.js';
import { TOLERANCE, checkpoints, table, verdict, type Checkpoint, type Verdict } from './report.js';
import { takeSample, type Sample } from './sample.js';

/** How long after --duration the run may take (start-up, last scrapes, shutdown) before it is cut. */
const OVERRUN_MS = 60_000;

/** Every process started, so an overrun can end them too. */
const children = new Set<Serving>();

const progress = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Started {
  readonly dir: string;
  readonly simulator: Serving;
  readonly exporter: Serving;
}

async function start(): Promise<Started> {
  const dir = await mkdtemp(join(tmpdir(), 'soak-'));
  const keys = newKeys();
  writeSecretFiles(dir, keys);
  await writeFile(join(dir, SCENARIO_FILE), scenarioYaml(keys));
  const simulator = await serveSimulator(join(dir, SCENARIO_FILE));
  children.add(simulator);
  const endpoint = simulator.url.replace('http://', '');
  await writeFile(join(dir, CONFIG_FILE), configYaml('all', endpoint, dir));
  const exporter = await serveExporter([`--config.file=${join(dir, CONFIG_FILE)}`]).catch(async (err) => {
    await simulator.stop();
    throw err;
  });
  children.add(exporter);
  return { dir, simulator, exporter };
}

async function stop(started: Started): Promise<void> {
  await started.exporter.stop();
  await started.simulator.stop();
  await rm(started.dir, { recursive: true, force: true });
}

/** Samples every `sampleEveryMs` until `durationMs` has passed since `t0`. */
async function sampleUntilDone(
  url: string,
  options: SoakOptions,
  load: { counts: LoadCounts },
  t0: number,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  let reported = 0;
  while (Date.now() - t0 < options.durationMs) {
    await sleep(Math.min(options.sampleEveryMs, Math.max(0, options.durationMs - (Date.now() - t0))));
    const sample = await takeSample(url, Date.now() - t0, load.counts.scrapes);
    samples.push(sample);
    const tenth = Math.floor((10 * sample.atMs) / options.durationMs);
    if (tenth > reported) {
      reported = tenth;
      const rss = (sample.rssBytes / 2 ** 20).toFixed(1);
      progress(`${Math.round(sample.atMs / 1000)} s: ${sample.scrapes} scrapes, RSS ${rss} MiB`);
    }
  }
  return samples;
}

/** What the processes logged about the reloads and rotations they were sent. */
function logged(started: Started): {
  reloadsApplied: number;
  reloadsRefused: number;
  rotationsApplied: number;
} {
  const reloads = reloadsLogged(started.exporter);
  return {
    reloadsApplied: reloads.applied,
    reloadsRefused: reloads.refused,
    rotationsApplied: countLogged(started.simulator, 'simulator credentials reloaded'),
  };
}

interface SoakRun {
  readonly samples: Sample[];
  readonly points: Checkpoint[];
  readonly verdict: Verdict;
  readonly load: LoadCounts;
  readonly chaos: ChaosCounts;
  readonly logged: ReturnType<typeof logged>;
}

async function soak(options: SoakOptions): Promise<SoakRun> {
  const started = await start();
  try {
    progress(
      `exporter ${started.exporter.url}, simulator ${started.simulator.url}; ${options.scrapers} scrapers`,
    );
    const t0 = Date.now();
    const load = startScrapers(started.exporter.url, options.scrapers);
    const endpoint = started.simulator.url.replace('http://', '');
    const chaos = startChaos(
      { exporter: started.exporter, simulator: started.simulator, dir: started.dir, endpoint },
      { reloadMs: options.reloadEveryMs, rotateMs: options.rotateEveryMs },
    );
    let samples: Sample[];
    try {
      samples = await sampleUntilDone(started.exporter.url, options, load, t0);
    } finally {
      await Promise.all([chaos.stop(), load.stop()]);
    }
    const points = checkpoints(samples, options.durationMs);
    return {
      samples,
      points,
      verdict: verdict(points, load.counts.scrapes, load.counts.failed),
      load: load.counts,
      chaos: chaos.counts,
      logged: logged(started),
    };
  } finally {
    await stop(started);
  }
}

function resultsJson(options: SoakOptions, run: SoakRun): string {
  return `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: describeMachine(),
      revision: describeRevision(),
      settings: {
        duration_ms: options.durationMs,
        scrapers: options.scrapers,
        reload_every_ms: options.reloadEveryMs,
        rotate_every_ms: options.rotateEveryMs,
        sample_every_ms: options.sampleEveryMs,
      },
      counts: {
        scrapes: run.load.scrapes,
        failed_scrapes: run.load.failed,
        failures: Object.fromEntries(run.load.failures),
        reloads_sent: run.chaos.reloads,
        invalid_reloads_sent: run.chaos.invalidReloads,
        reloads_applied: run.logged.reloadsApplied,
        reloads_refused: run.logged.reloadsRefused,
        rotations_sent: run.chaos.rotations,
        rotations_applied: run.logged.rotationsApplied,
      },
      tolerance: TOLERANCE,
      checkpoints: run.points,
      verdict: run.verdict,
      samples: run.samples,
    },
    null,
    2,
  )}\n`;
}

function summary(options: SoakOptions, run: SoakRun): string {
  const seconds = options.durationMs / 1000;
  const { load, chaos, logged: seen } = run;
  return [
    `${load.scrapes.toLocaleString('en-US')} scrapes in ${seconds} s (${Math.round(load.scrapes / seconds)}/s) by ${options.scrapers} scrapers; ` +
      `${chaos.reloads} reloads sent (${seen.reloadsApplied} applied, ${seen.reloadsRefused} refused as invalid), ` +
      `${chaos.rotations} secret rotations (${seen.rotationsApplied} taken by the simulator)`,
    '',
    table(run.points),
    '',
    ...run.verdict.lines,
    ...[...load.failures].map(([reason, n]) => `  ${n} × ${reason}`),
  ].join('\n');
}

/** Ends the run, and every process it started, if it is still going after `ms`. */
function cutAfter(ms: number): void {
  const cut = setTimeout(() => {
    progress(`the soak overran its time by ${OVERRUN_MS / 1000} s: stopping`);
    for (const child of children) child.child.kill('SIGKILL');
    process.exit(1);
  }, ms);
  cut.unref();
}

async function runAuthFlood(options: AuthFloodOptions): Promise<number> {
  cutAfter(options.durationMs + OVERRUN_MS);
  const run = await authFlood(options, progress, (program) => children.add(program));
  process.stdout.write(`${authFloodSummary(options, run)}\n`);
  if (options.out !== undefined) await writeAuthFloodJson(options.out, options, run);
  return run.goalsMet ? 0 : 3;
}

async function runLoginTiming(options: LoginTimingOptions): Promise<number> {
  cutAfter(10 * 60_000);
  const timing = await loginTiming(options, (program) => children.add(program));
  process.stdout.write(`${loginTimingSummary(options, timing)}\n`);
  if (options.out !== undefined) await writeLoginTimingJson(options.out, options, timing);
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseSoakArgs(argv);
  if (parsed.kind === 'help') return (void process.stdout.write(USAGE), 0);
  if (parsed.kind === 'error') return (void process.stderr.write(`${parsed.message}\n\n${USAGE}`), 2);
  if (!existsSync(EXPORTER_BIN)) throw new Error(`${EXPORTER_BIN} is missing: npm run build first`);
  if (parsed.kind === 'auth-flood') return runAuthFlood(parsed.options);
  if (parsed.kind === 'login-timing') return runLoginTiming(parsed.options);
  const options = parsed.options;
  cutAfter(options.durationMs + OVERRUN_MS);
  const run = await soak(options);
  process.stdout.write(`${summary(options, run)}\n`);
  if (options.out !== undefined) await writeFile(options.out, resultsJson(options, run));
  return run.verdict.flat ? 0 : 3;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    progress(`soak failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
