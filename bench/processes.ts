// The processes of a case and what the kernel says about them: CPU from /proc/PID/stat
// (utime + stime, all threads, in clock ticks), memory from /proc/PID/status (VmRSS, VmHWM).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  EXPORTER_READY,
  ISOLATED_ENV,
  serveExporter,
  serveProcess,
  serveSimulator,
  type Serving,
} from '../test/support/process.js';
import type { Baseline } from './options.js';

const START_TIMEOUT_MS = 60_000;

export interface Running {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

function running(serving: Serving): Running {
  const pid = serving.child.pid;
  if (pid === undefined) throw new Error('a started process has no pid');
  return {
    url: serving.url,
    pid,
    stop: async () => {
      await serving.stop();
    },
  };
}

/** `dms-datatrack-exporter simulate`; its url is `http://host:port` and its endpoint `host:port`. */
export async function startSimulator(scenarioFile: string): Promise<Running & { endpoint: string }> {
  const serving = await serveSimulator(scenarioFile, START_TIMEOUT_MS);
  return { ...running(serving), endpoint: serving.url.replace(/^http:\/\//, '') };
}

/** The built exporter (dist/main.js) with `args` (e.g. `--config.file=...`); `env` adds to its environment. */
export async function startExporter(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Running> {
  return running(await serveExporter(args, env, START_TIMEOUT_MS));
}

/**
 * The `node` arguments that run our TypeScript program at `path` (from the repository root, e.g.
 * `bench/baselines/sequential.ts`) the way this module runs: through tsx when it is TypeScript
 * itself (`npm run bench`), else the compiled twin in the tree it was compiled into (the test suite
 * compiles the tools once instead of starting tsx in every process). Neither gets the `source`
 * condition, so the workspace packages load from their dist/ as they do for dist/main.js.
 */
export function programArgv(path: string): string[] {
  if (import.meta.url.endsWith('.ts')) return ['--import', 'tsx', path];
  return [fileURLToPath(new URL(`../${path.replace(/\.ts$/, '.js')}`, import.meta.url))];
}

/**
 * The built exporter's modules with the node:http transport (bench/baselines/node-http-exporter.ts);
 * only that launcher and the transport are ours to run (see programArgv).
 */
export async function startNodeHttpExporter(args: readonly string[]): Promise<Running> {
  const argv = [...programArgv('bench/baselines/node-http-exporter.ts'), ...args];
  return running(await serveProcess('node-http exporter', argv, {}, EXPORTER_READY, START_TIMEOUT_MS));
}

/** A baseline from bench/baselines/. */
export async function startBaseline(baseline: Baseline, specFile: string): Promise<Running> {
  const argv = [...programArgv(`bench/baselines/${baseline}.ts`), `--spec=${specFile}`];
  return running(await serveProcess('baseline', argv, {}, EXPORTER_READY, START_TIMEOUT_MS));
}

/** The warm floor: `bodyFile`'s bytes served as they are. */
export async function startStaticBody(bodyFile: string): Promise<Running> {
  const argv = [...programArgv('bench/baselines/static-body.ts'), `--body=${bodyFile}`];
  return running(await serveProcess('baseline', argv, {}, EXPORTER_READY, START_TIMEOUT_MS));
}

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', env: ISOLATED_ENV });
    const parsed = Number(out.stdout?.trim());
    ticksPerSecond = Number.isInteger(parsed) && parsed > 0 ? parsed : 100;
  }
  return ticksPerSecond;
}

/** Milliseconds of CPU (user + system, all threads) the process has used; resolution one clock tick. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "(comm) ".
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond();
}

/** The clock-tick length in ms: the resolution of every CPU figure. */
export function cpuResolutionMs(): number {
  return 1000 / clockTicksPerSecond();
}

/** CPU once the process has gone quiet: unchanged over two reads `pauseMs` apart (bounded). */
export async function settledCpuMs(pid: number, pauseMs = 25, maxReads = 40): Promise<number> {
  let last = cpuMs(pid);
  for (let i = 0; i < maxReads; i++) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const now = cpuMs(pid);
    if (now === last) return now;
    last = now;
  }
  return last;
}

export interface Memory {
  readonly rssBytes: number;
  /** VmHWM: the highest RSS the process ever had. */
  readonly peakRssBytes: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (match === null) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]) * 1024;
  };
  return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
}
