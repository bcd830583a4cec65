// From samples to three checkpoints (after warm-up, middle, end), a table and a verdict. Memory is
// "flat" when the end is within a stated tolerance of the start; warm-up (the first 20 % of the run:
// JIT, pools, caches filling) is left out.
import { median } from '../bench/stats.js';
import type { Sample } from './sample.js';

const MIB = 1024 * 1024;

/** What "flat" allows from the start checkpoint to the end one. */
export const TOLERANCE = {
  rss: { ratio: 0.1, bytes: 8 * MIB },
  heap: { ratio: 0.1, bytes: 4 * MIB },
  fds: 5,
} as const;

// Wide enough (a fifth of the run) to hold a full collection: V8 runs one every 15-30 s here.
const WINDOWS = [
  { name: 'start', from: 0.2, to: 0.4 },
  { name: 'middle', from: 0.5, to: 0.7 },
  { name: 'end', from: 0.8, to: 1 },
] as const;

export interface Checkpoint {
  readonly name: string;
  readonly atMs: number;
  readonly samples: number;
  /** Median over the window. */
  readonly rssBytes: number;
  /** Lowest over the window: heap used just after a full collection, the closest to what is live. */
  readonly heapUsedBytes: number;
  /** Full collections during the window; without one, the lowest heap figure says little. */
  readonly majorGcs: number;
  /** Highest over the window. */
  readonly openFds: number;
  readonly eventLoopLagP99Seconds: number;
  readonly scrapes: number;
  readonly dmsCalls: number;
}

export interface Verdict {
  readonly flat: boolean;
  readonly lines: string[];
}

export function checkpoints(samples: readonly Sample[], durationMs: number): Checkpoint[] {
  return WINDOWS.map(({ name, from, to }) => {
    let inWindow = samples.filter((s) => s.atMs >= from * durationMs && s.atMs <= to * durationMs);
    // A very short run may have no sample in a window: take the nearest one.
    if (inWindow.length === 0) inWindow = nearest(samples, ((from + to) / 2) * durationMs);
    const first = inWindow[0];
    const last = inWindow[inWindow.length - 1];
    if (first === undefined || last === undefined) throw new Error('no samples were taken');
    const before = samples.filter((s) => s.atMs < first.atMs).pop() ?? first;
    return {
      name,
      atMs: last.atMs,
      samples: inWindow.length,
      rssBytes: median(inWindow.map((s) => s.rssBytes)),
      heapUsedBytes: Math.min(...inWindow.map((s) => s.heapUsedBytes)),
      majorGcs: last.majorGcs - before.majorGcs,
      openFds: Math.max(...inWindow.map((s) => s.openFds)),
      eventLoopLagP99Seconds: Math.max(...inWindow.map((s) => s.eventLoopLagP99Seconds)),
      scrapes: last.scrapes,
      dmsCalls: last.dmsCalls,
    };
  });
}

export function verdict(points: readonly Checkpoint[], scrapes: number, failed: number): Verdict {
  const start = points[0];
  const end = points[points.length - 1];
  if (start === undefined || end === undefined) throw new Error('no checkpoints');
  const checks: Check[] = [
    bytesCheck('RSS', start.rssBytes, end.rssBytes, TOLERANCE.rss),
    heapCheck(start, end),
    {
      ok: end.openFds - start.openFds <= TOLERANCE.fds,
      line: `open fds: ${start.openFds} → ${end.openFds} (${signed(end.openFds - start.openFds)}, allowed +${TOLERANCE.fds})`,
    },
    { ok: failed === 0, line: `failed scrapes: ${failed} of ${scrapes.toLocaleString('en-US')}` },
  ];
  const flat = checks.every((c) => c.ok);
  const lines = checks.map((c) => `${c.judged === false ? 'n/a ' : c.ok ? 'ok  ' : 'FAIL'} ${c.line}`);
  lines.push(flat ? 'Verdict: flat' : 'Verdict: NOT flat');
  return { flat, lines };
}

export function table(points: readonly Checkpoint[]): string {
  const rows = points.map((p) =>
    [
      p.name,
      `${(p.atMs / 1000).toFixed(0)} s`,
      p.scrapes.toLocaleString('en-US'),
      p.dmsCalls.toLocaleString('en-US'),
      mib(p.rssBytes),
      `${mib(p.heapUsedBytes)} (${p.majorGcs} full GCs)`,
      String(p.openFds),
      `${(p.eventLoopLagP99Seconds * 1000).toFixed(1)} ms`,
    ].join(' | '),
  );
  return [
    '| point | at | scrapes so far | DMS calls so far | RSS (median) | heap used (min) | open fds (max) | event-loop lag p99 (max) |',
    '| --- | --: | --: | --: | --: | --: | --: | --: |',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

interface Check {
  readonly ok: boolean;
  /** False when the figures cannot decide (they count as ok). */
  readonly judged?: boolean;
  readonly line: string;
}

function heapCheck(start: Checkpoint, end: Checkpoint): Check {
  const check = bytesCheck('heap used', start.heapUsedBytes, end.heapUsedBytes, TOLERANCE.heap);
  if (start.majorGcs > 0 && end.majorGcs > 0) return check;
  // Without a full collection in both windows the figures are live data plus garbage: not judged.
  return { ok: true, judged: false, line: `${check.line}: not judged, no full collection in a window` };
}

function bytesCheck(
  what: string,
  start: number,
  end: number,
  tolerance: { readonly ratio: number; readonly bytes: number },
): Check {
  const allowed = Math.max(start * tolerance.ratio, tolerance.bytes);
  const growth = end - start;
  const percent = start > 0 ? ` ${signed((growth / start) * 100, 1)} %,` : '';
  return {
    ok: growth <= allowed,
    line: `${what}: ${mib(start)} → ${mib(end)} (${percent} allowed +${mib(allowed)})`.replace('( ', '('),
  };
}

const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;
const signed = (n: number, digits = 0): string => `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;

function nearest(samples: readonly Sample[], atMs: number): Sample[] {
  const best = [...samples].sort((a, b) => Math.abs(a.atMs - atMs) - Math.abs(b.atMs - atMs))[0];
  return best === undefined ? [] : [best];
}
