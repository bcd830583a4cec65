import type { JobState, ScenarioOrder, Stage } from './scenario.js';

// Where a job is at a given moment: a pure function of the order and the elapsed time.

export interface JobProgress {
  readonly status: JobState;
  readonly list: number;
  readonly download: number;
  readonly filter: number;
}

interface Phase {
  readonly stage: Stage;
  readonly running: JobState;
  readonly failed: JobState;
  readonly done: JobState;
  /** Offset of the stage's start from the order's start (after `start`). */
  readonly offsetMs: number;
  readonly durationMs: number;
}

const STAGES: readonly Stage[] = ['list', 'download', 'filter'];

function phases(order: ScenarioOrder): Phase[] {
  const downloadAt = order.listMs + order.pauseMs;
  const filterAt = downloadAt + order.downloadMs + order.pauseMs;
  return [
    {
      stage: 'list',
      running: 'LISTING',
      failed: 'LISTING',
      done: 'LIST_SUCCESS',
      offsetMs: 0,
      durationMs: order.listMs,
    },
    {
      stage: 'download',
      running: 'DOWNLOADING',
      failed: 'DOWNLOAD_FAIL',
      done: 'DOWNLOAD_SUCCESS',
      offsetMs: downloadAt,
      durationMs: order.downloadMs,
    },
    {
      stage: 'filter',
      running: 'FILTERING',
      failed: 'FILTER_FAIL',
      done: 'FILTER_SUCCESS',
      offsetMs: filterAt,
      durationMs: order.filterMs,
    },
  ];
}

/** The time after `start` at which the order's stop point is reached, or undefined for success. */
function stopOffset(order: ScenarioOrder, all: readonly Phase[]): number | undefined {
  if (order.outcome === 'success' || order.stopAt === undefined) return undefined;
  const { stage, ratio } = order.stopAt;
  const phase = all.find((p) => p.stage === stage);
  return phase === undefined ? undefined : phase.offsetMs + ratio * phase.durationMs;
}

/** Ratios with `stage` at `ratio`, earlier stages done and later ones not started. */
function ratiosAt(stage: Stage, ratio: number): Pick<JobProgress, Stage> {
  const index = STAGES.indexOf(stage);
  const value = (i: number): number => (i < index ? 1 : i === index ? round(ratio) : 0);
  return { list: value(0), download: value(1), filter: value(2) };
}

// Four decimals read like what an API returns, and keep golden files stable.
function round(ratio: number): number {
  return Math.round(ratio * 10_000) / 10_000;
}

/** The timeline position after wrapping by `repeatEveryMs`, if any. */
export function timelinePosition(elapsedMs: number, repeatEveryMs: number | undefined): number {
  const elapsed = Math.max(0, elapsedMs);
  return repeatEveryMs === undefined || repeatEveryMs <= 0 ? elapsed : elapsed % repeatEveryMs;
}

/** The job's status and stage ratios `elapsedMs` after the scenario started (already wrapped). */
export function jobProgressAt(order: ScenarioOrder, elapsedMs: number): JobProgress {
  const t = elapsedMs - order.startMs;
  if (t < 0) return { status: 'INIT', list: 0, download: 0, filter: 0 };
  const all = phases(order);
  const stop = stopOffset(order, all);
  if (stop !== undefined && t >= stop && order.stopAt !== undefined) {
    const phase = all.find((p) => p.stage === order.stopAt?.stage);
    const status = order.outcome === 'stall' ? phase?.running : phase?.failed;
    return { status: status ?? 'INIT', ...ratiosAt(order.stopAt.stage, order.stopAt.ratio) };
  }
  let previous: Phase | undefined;
  for (const phase of all) {
    // Before this stage starts we are in the pause after the previous one (its success status).
    if (t < phase.offsetMs && previous !== undefined)
      return { status: previous.done, ...ratiosAt(phase.stage, 0) };
    const into = t - phase.offsetMs;
    if (into < phase.durationMs)
      return { status: phase.running, ...ratiosAt(phase.stage, into / phase.durationMs) };
    previous = phase;
  }
  return { status: 'FILTER_SUCCESS', list: 1, download: 1, filter: 1 };
}

/**
 * When the job reaches its final status, as an offset from the scenario's start (its `start` included),
 * and whether that status is a failure; undefined for a job that never ends (stall).
 */
export function jobEndAt(
  order: ScenarioOrder,
): { readonly atMs: number; readonly failed: boolean } | undefined {
  if (order.outcome === 'stall') return undefined;
  const all = phases(order);
  const stop = stopOffset(order, all);
  if (stop !== undefined) return { atMs: order.startMs + stop, failed: true };
  const last = all[all.length - 1];
  return last && { atMs: order.startMs + last.offsetMs + last.durationMs, failed: false };
}
