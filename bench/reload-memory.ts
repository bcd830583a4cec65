/**
 * Peak memory of a config reload (SIGHUP), measured on the exporter process: for each case a fresh
 * exporter starts with a one-order config, settles, has its peak RSS reset (/proc/PID/clear_refs),
 * gets the case's file and a SIGHUP, and is read once it logs the outcome: VmHWM is the reload's peak.
 *
 *   npm run bench:reload -- [--baseline=DIR] [--cases=a,b] [--node-options=...] [--max-heap-mb=N]
 *
 * --baseline=DIR runs the same cases, side by side, with another built checkout (its dist/main.js;
 * e.g. `git worktree add /tmp/before main && cd /tmp/before && npm ci && npm run build`), and the table
 * shows both. --max-heap-mb is given to this checkout only (an older one may not know the flag).
 * Linux only (/proc). The figures go into docs/deploy.md by hand.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXPORTER_READY, parseJson, serveProcess, type Serving } from '../test/support/process.js';
import { list, oneOf, whole } from './flags.js';
import { memory } from './processes.js';
import { markdownTable } from './report.js';

const MIB = 1024 * 1024;
const MAX_BYTES = 4 * 1024 * 1024;
const HEAD = `profiles:
  default: { endpoint: '127.0.0.1:9', protocol: http, access_key_id: LTAImeasureKey0001, access_key_secret: measure-secret }
orders:
`;
const SMALL = `${HEAD}  - id: 1\n`;

/** `  - id: N` lines from 1 up while the file stays within `bytes`. */
function idLines(bytes: number): string {
  const lines: string[] = [];
  for (let length = HEAD.length, id = 1; ; id++) {
    const line = `  - id: ${id}\n`;
    if (length + line.length > bytes) break;
    lines.push(line);
    length += line.length;
  }
  return HEAD + lines.join('');
}

/** Every case is a file the exporter is asked to load, and what a user would call it. */
const CASES = {
  'valid-4mib': {
    label: 'valid, 10,000 orders, 4 MiB (names padded)',
    text: (): string => {
      const per = Math.floor((MAX_BYTES - 1 - HEAD.length) / 10_000);
      const orders = Array.from({ length: 10_000 }, (_, i) => {
        const start = `  - { id: ${i + 1}, name: `;
        return `${start}${'n'.repeat(per - start.length - 3)} }\n`;
      });
      return HEAD + orders.join('');
    },
  },
  'valid-verbose': {
    label: 'valid, 10,000 orders, a key per line, comments',
    text: (): string =>
      HEAD +
      Array.from(
        { length: 10_000 },
        (_, i) =>
          `  - id: ${i + 1}   # ticket ${i + 1}\n    name: order-name-${i + 1}   # shown\n    profile: default\n    tid: 5\n`,
      ).join(''),
  },
  'refused-1mb': { label: 'refused, 1 MB of `- id: N` (72,000 orders)', text: () => idLines(1_000_000) },
  'refused-4mib': { label: 'refused, 4 MiB of `- id: N` (287,000 orders)', text: () => idLines(MAX_BYTES) },
  'largest-in-caps': {
    label: 'within the caps, as costly as allowed: 10,000 orders and a 418,000-token list',
    // 80,000 tokens of orders; each `1,` is two more, with the largest syntax tree per token. The
    // default budget is 500,000 tokens. Refused by the schema (an unknown key) if the loader's heap
    // holds the whole document, or by the heap cap.
    text: (): string =>
      `${HEAD}${Array.from({ length: 10_000 }, (_, i) => `  - id: ${i + 1}\n`).join('')}padding: [${'1,'.repeat(209_000)}1]\n`,
  },
} as const;
type CaseName = keyof typeof CASES;

interface Build {
  readonly name: string;
  readonly bin: string;
  readonly args: readonly string[];
}

interface Measured {
  readonly outcome: string;
  readonly seconds: number;
  readonly steadyBytes: number;
  readonly peakBytes: number;
}

/** One fresh exporter: settle, reset the peak, reload `text`, read the peak once the outcome is logged. */
async function measure(build: Build, text: string, env: Record<string, string>): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'dms-reload-memory-'));
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, SMALL);
  const argv = [
    build.bin,
    '--web.listen-address=127.0.0.1:0',
    '--log.format=json',
    `--config.file=${configFile}`,
  ];
  let exporter: Serving | undefined;
  try {
    exporter = await serveProcess('exporter', [...argv, ...build.args], env, EXPORTER_READY, 60_000);
    const pid = exporter.child.pid ?? 0;
    await sleep(2000);
    const steadyBytes = memory(pid).rssBytes;
    writeFileSync(`/proc/${pid}/clear_refs`, '5'); // VmHWM := VmRSS
    writeFileSync(configFile, text);
    const started = performance.now();
    exporter.child.kill('SIGHUP');
    const outcome = await exporter.waitForLine((line) => reloadOutcome(line), 120_000);
    const seconds = (performance.now() - started) / 1000;
    // A second for what the swap leaves running, then the peak, before any scrape: a scrape of the
    // 10,000 orders a reload brings costs memory too, and is measured elsewhere.
    await sleep(1000);
    const { peakRssBytes } = memory(pid);
    const answer = await fetch(`${exporter.url}/-/healthy`);
    if (answer.status !== 200) throw new Error(`/-/healthy answered ${answer.status} after the reload`);
    return { outcome, seconds, steadyBytes, peakBytes: peakRssBytes };
  } finally {
    await exporter?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function reloadOutcome(line: string): string | undefined {
  const record = parseJson(line);
  if (record?.msg === 'config reloaded') return 'loaded';
  if (record?.msg !== 'config reload failed; keeping the previous configuration') return undefined;
  const first = Array.isArray(record.errors) ? String(record.errors[0]) : '';
  // The reason without the file name, shortened: enough to tell the cases apart.
  const reason = first.replace(/^[^:]*:(\d+:)? ?/, '');
  return `refused: ${reason.length > 70 ? `${reason.slice(0, 67)}...` : reason}`;
}

function flag(name: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
}

/** This checkout, and the --baseline checkout before it if one is given. */
function builds(baseline: string | undefined, heapMb: string | undefined): Build[] {
  const args = heapMb === undefined ? [] : [`--config.max-heap-mb=${whole(heapMb, 'max-heap-mb', 1)}`];
  const current = { name: baseline === undefined ? 'this' : 'after', bin: 'dist/main.js', args };
  if (baseline === undefined) return [current];
  return [{ name: 'before', bin: resolve(baseline, 'dist/main.js'), args: [] }, current];
}

const HEADER = ['file', 'build', 'outcome', 's', 'RSS before, MiB', 'peak RSS, MiB', 'added', '× before'];

/** One table row; `before` is the baseline's figure for the same file, measured in the same run. */
function row(label: string, build: Build, m: Measured, before: Measured | undefined): string[] {
  const mib = (bytes: number): string => (bytes / MIB).toFixed(0);
  const added = m.peakBytes - m.steadyBytes;
  const ratio = before === undefined ? '' : (added / (before.peakBytes - before.steadyBytes)).toFixed(2);
  return [
    label,
    build.name,
    m.outcome,
    m.seconds.toFixed(1),
    mib(m.steadyBytes),
    mib(m.peakBytes),
    `+${mib(added)}`,
    build.name === 'before' ? '' : ratio,
  ];
}

async function main(): Promise<number> {
  const allCases = Object.keys(CASES) as CaseName[];
  const names = oneOf(list(flag('cases') ?? allCases.join(','), 'cases'), allCases, 'cases');
  const heapMb = flag('max-heap-mb');
  const nodeOptions = flag('node-options') ?? '';
  const env: Record<string, string> = nodeOptions === '' ? {} : { NODE_OPTIONS: nodeOptions };
  const heapNote = heapMb === undefined ? '' : `, --config.max-heap-mb=${heapMb}`;
  const day = new Date().toISOString().slice(0, 10);
  process.stdout.write(
    `node ${process.version}, ${day}, NODE_OPTIONS=${JSON.stringify(nodeOptions)}${heapNote}\n\n`,
  );
  const rows: string[][] = [];
  for (const name of names) {
    const text = CASES[name].text();
    const label = `${CASES[name].label} (${(text.length / MIB).toFixed(2)} MiB)`;
    let before: Measured | undefined;
    for (const build of builds(flag('baseline'), heapMb)) {
      const measured = await measure(build, text, env);
      rows.push(row(label, build, measured, before));
      if (build.name === 'before') before = measured;
      process.stderr.write(`${name} ${build.name}: ${rows.at(-1)?.slice(2).join(' ')}\n`);
    }
  }
  process.stdout.write(`${markdownTable(HEADER, rows, [3, 4, 5, 6, 7])}\n`);
  return 0;
}

process.exitCode = await main();
