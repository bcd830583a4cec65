import { FINAL_STATUSES, type DmsJobStatus } from '../dms/types.js';

// How long a job's stages take, from the answers the exporter gets. DMS reports a job's state now and
// no times at all, so every change of state is dated by the two answers around it: the last one
// before it and the first one after it. What was not seen (a job already running when the exporter
// started, a gap in the answers) stays unknown rather than guessed.

/** The stages of a job, as the completion ratios name them. */
export const STAGES = ['list', 'download', 'filter'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * A change of state is dated halfway between the two answers around it, so the date is off by at
 * most half their distance (30 s at the shipped 60 s scrape interval). Answers further apart than
 * this (DMS failing, the exporter or Prometheus away) leave the change undated.
 */
export const MAX_DATING_GAP_MS = 10 * 60_000;

/** What the exporter measured of the job's current run; every field undefined until seen. */
export interface JobTimes {
  /** When the job entered its current state (Unix ms). */
  readonly statusSinceMs: number | undefined;
  /** When the job left INIT: the start of its list stage. */
  readonly startedMs: number | undefined;
  /** How long each stage that ended took, in ms (see STAGE_SPAN); failed stages included. */
  readonly stageMs: Readonly<Partial<Record<Stage, number>>>;
  /** From leaving INIT to the final state: only for a job in a final state. */
  readonly jobMs: number | undefined;
}

/** A stage, or the whole job ('job'), that ended successfully with both its ends dated. */
export interface Completion {
  readonly part: Stage | 'job';
  readonly ms: number;
}

/** A dated change: when it happened, and the answer that revealed it. */
interface Mark {
  readonly atMs: number;
  readonly seenMs: number;
}

/** What the collector keeps per order between answers. */
export interface JobWatch {
  readonly status: DmsJobStatus;
  readonly lastSeenMs: number;
  /** By position (POSITION): when the job reached it in this run. */
  readonly marks: readonly (Mark | undefined)[];
  /** Rebuilt only when the status changes, so a renderer can compare it by identity. */
  readonly times: JobTimes;
}

/** Where each state lies on the job's way; a failure takes the place of its stage's success. */
const POSITION: Readonly<Record<DmsJobStatus, number>> = {
  INIT: 0,
  LISTING: 1,
  LIST_SUCCESS: 2,
  DOWNLOADING: 3,
  DOWNLOAD_SUCCESS: 4,
  DOWNLOAD_FAIL: 4,
  FILTERING: 5,
  FILTER_SUCCESS: 6,
  FILTER_FAIL: 6,
};
const LAST_POSITION = 6;

/**
 * Each stage runs from the end of the stage before it (for `list`, the job leaving INIT) to the end
 * of its own work, success or failure. So a stage includes the wait before it starts (LIST_SUCCESS,
 * DOWNLOAD_SUCCESS), and the three stages add up to the job.
 */
const STAGE_SPAN: Readonly<Record<Stage, readonly [number, number]>> = {
  list: [1, 2],
  download: [2, 4],
  filter: [4, 6],
};

const FAILED_STAGE: Readonly<Partial<Record<DmsJobStatus, Stage>>> = {
  DOWNLOAD_FAIL: 'download',
  FILTER_FAIL: 'filter',
};

const NO_MARKS: readonly undefined[] = new Array<undefined>(LAST_POSITION + 1).fill(undefined);

export const UNMEASURED: JobTimes = Object.freeze({
  statusSinceMs: undefined,
  startedMs: undefined,
  stageMs: Object.freeze({}),
  jobMs: undefined,
});

/**
 * Folds one answer's state (never UNKNOWN: such an answer says nothing about the job's way) into the
 * watch. Returns the new watch and what ended successfully with this answer, for the baselines.
 */
export function watchJob(
  previous: JobWatch | undefined,
  status: DmsJobStatus,
  nowMs: number,
): { watch: JobWatch; completed: Completion[] } {
  if (previous === undefined)
    return { watch: { status, lastSeenMs: nowMs, marks: NO_MARKS, times: UNMEASURED }, completed: [] };
  if (previous.status === status) return { watch: { ...previous, lastSeenMs: nowMs }, completed: [] };
  const gapMs = nowMs - previous.lastSeenMs;
  const mark =
    gapMs <= MAX_DATING_GAP_MS
      ? { atMs: previous.lastSeenMs + Math.round(gapMs / 2), seenMs: nowMs }
      : undefined;
  const from = POSITION[previous.status];
  const to = POSITION[status];
  // A step back means DMS runs the job again (or took a state back): a new run, measured from its
  // next change on; what it went through before this answer is not known.
  const marks = to < from ? [...NO_MARKS] : [...previous.marks];
  if (to > from) for (let position = from + 1; position <= to; position++) marks[position] = mark;
  const times = timesOf(marks, status, mark?.atMs);
  return {
    watch: { status, lastSeenMs: nowMs, marks, times },
    completed: completions(previous.times, times, status),
  };
}

function timesOf(
  marks: readonly (Mark | undefined)[],
  status: DmsJobStatus,
  sinceMs: number | undefined,
): JobTimes {
  const stageMs: Partial<Record<Stage, number>> = {};
  for (const stage of STAGES) {
    const [from, to] = STAGE_SPAN[stage];
    const ms = between(marks[from], marks[to]);
    if (ms !== undefined) stageMs[stage] = ms;
  }
  const jobMs = FINAL_STATUSES.has(status) ? between(marks[1], marks[POSITION[status]]) : undefined;
  return { statusSinceMs: sinceMs, startedMs: marks[1]?.atMs, stageMs, jobMs };
}

/** Two changes revealed by the same answer are in a known order, at an unknown distance. */
function between(start: Mark | undefined, end: Mark | undefined): number | undefined {
  if (start === undefined || end === undefined || start.seenMs === end.seenMs) return undefined;
  return end.atMs - start.atMs;
}

function completions(before: JobTimes, after: JobTimes, status: DmsJobStatus): Completion[] {
  const completed: Completion[] = [];
  for (const stage of STAGES) {
    const ms = after.stageMs[stage];
    if (ms !== undefined && before.stageMs[stage] === undefined && FAILED_STAGE[status] !== stage)
      completed.push({ part: stage, ms });
  }
  if (status === 'FILTER_SUCCESS' && after.jobMs !== undefined)
    completed.push({ part: 'job', ms: after.jobMs });
  return completed;
}
