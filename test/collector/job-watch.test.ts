import { describe, expect, it } from 'vitest';
import {
  MAX_DATING_GAP_MS,
  UNMEASURED,
  watchJob,
  type Completion,
  type JobWatch,
} from '../../src/collector/job-watch.js';
import type { DmsJobStatus } from '../../src/dms/types.js';

// Answers every minute from T0; a change is dated halfway between the two answers around it.
const T0 = 1_800_000_000_000;
const MIN = 60_000;

/** Folds `answers` ([minute, state]) in order; returns the last watch and every completion. */
function watch(answers: ReadonlyArray<readonly [number, DmsJobStatus]>): {
  watch: JobWatch | undefined;
  completed: Array<Completion & { atMinute: number }>;
} {
  let current: JobWatch | undefined;
  const completed: Array<Completion & { atMinute: number }> = [];
  for (const [minute, status] of answers) {
    const next = watchJob(current, status, T0 + minute * MIN);
    current = next.watch;
    completed.push(...next.completed.map((c) => ({ ...c, atMinute: minute })));
  }
  return { watch: current, completed };
}

/** An answer every minute from the first change to the last, each in the latest state by then. */
function everyMinute(
  changes: ReadonlyArray<readonly [number, DmsJobStatus]>,
): Array<readonly [number, DmsJobStatus]> {
  const answers: Array<readonly [number, DmsJobStatus]> = [];
  const last = changes.at(-1)?.[0] ?? 0;
  for (let minute = changes[0]?.[0] ?? 0; minute <= last; minute++) {
    const state = changes.filter(([at]) => at <= minute).at(-1)?.[1];
    if (state !== undefined) answers.push([minute, state]);
  }
  return answers;
}

describe('watchJob', () => {
  it('knows nothing from a first answer, whatever the state', () => {
    for (const status of ['INIT', 'DOWNLOADING', 'FILTER_SUCCESS'] as const)
      expect(watch([[0, status]]).watch?.times).toBe(UNMEASURED);
  });

  it('dates every change of a job watched from INIT to FILTER_SUCCESS, and each stage and the job', () => {
    const { watch: last, completed } = watch(
      everyMinute([
        [0, 'INIT'],
        [1, 'LISTING'], // left INIT at 0.5
        [10, 'LIST_SUCCESS'], // list: 0.5 -> 9.5
        [11, 'DOWNLOADING'],
        [31, 'DOWNLOAD_SUCCESS'], // download: 9.5 -> 30.5, the wait before it included
        [32, 'FILTERING'],
        [40, 'FILTER_SUCCESS'], // filter: 30.5 -> 39.5
      ]),
    );
    expect(last?.times).toEqual({
      statusSinceMs: T0 + 39.5 * MIN,
      startedMs: T0 + 0.5 * MIN,
      stageMs: { list: 9 * MIN, download: 21 * MIN, filter: 9 * MIN },
      jobMs: 39 * MIN,
    });
    expect(completed).toEqual([
      { part: 'list', ms: 9 * MIN, atMinute: 10 },
      { part: 'download', ms: 21 * MIN, atMinute: 31 },
      { part: 'filter', ms: 9 * MIN, atMinute: 40 },
      { part: 'job', ms: 39 * MIN, atMinute: 40 },
    ]);
  });

  it('keeps the same times object while the state does not change (the text cache compares it)', () => {
    const first = watch([
      [0, 'INIT'],
      [1, 'LISTING'],
    ]).watch;
    const again = watchJob(first, 'LISTING', T0 + 2 * MIN).watch;
    expect(again.times).toBe(first?.times);
    expect(again.lastSeenMs).toBe(T0 + 2 * MIN);
  });

  it('leaves unknown what began before the first answer: a job first seen downloading', () => {
    const { watch: last, completed } = watch(
      everyMinute([
        [0, 'DOWNLOADING'],
        [5, 'DOWNLOAD_SUCCESS'],
        [6, 'FILTERING'],
        [12, 'FILTER_SUCCESS'],
      ]),
    );
    // The download's start (the end of listing) was never seen: only the filter stage is known.
    expect(last?.times).toEqual({
      statusSinceMs: T0 + 11.5 * MIN,
      startedMs: undefined,
      stageMs: { filter: 7 * MIN },
      jobMs: undefined,
    });
    expect(completed.map((c) => c.part)).toEqual(['filter']);
  });

  it('does not measure a stage that began and ended between the same two answers', () => {
    const { watch: last } = watch(
      everyMinute([
        [0, 'INIT'],
        [1, 'DOWNLOADING'], // left INIT, listed and began downloading, all within this minute
        [20, 'FILTERING'],
      ]),
    );
    expect(last?.times.startedMs).toBe(T0 + 0.5 * MIN);
    // Listing took somewhere between 0 and 1 minute: unknown. Downloading began as listing ended.
    expect(last?.times.stageMs).toEqual({ download: 19 * MIN });
  });

  it(`leaves a change undated after a gap of more than ${MAX_DATING_GAP_MS / MIN} minutes between answers`, () => {
    const { watch: last, completed } = watch([
      [0, 'INIT'],
      [1, 'LISTING'],
      [12, 'LIST_SUCCESS'], // 11 minutes without an answer: could be off by 5.5
      [13, 'DOWNLOADING'],
    ]);
    expect(last?.times).toEqual({
      statusSinceMs: T0 + 12.5 * MIN,
      startedMs: T0 + 0.5 * MIN,
      stageMs: {},
      jobMs: undefined,
    });
    expect(completed).toEqual([]);
    // Exactly ten minutes still dates it.
    expect(
      watch([
        [0, 'INIT'],
        [10, 'LISTING'],
      ]).watch?.times.statusSinceMs,
    ).toBe(T0 + 5 * MIN);
  });

  it('measures a failed stage and the failed job, but counts neither as completed', () => {
    const { watch: last, completed } = watch(
      everyMinute([
        [0, 'INIT'],
        [1, 'LISTING'],
        [3, 'LIST_SUCCESS'],
        [4, 'DOWNLOADING'],
        [9, 'DOWNLOAD_FAIL'],
      ]),
    );
    expect(last?.times).toEqual({
      statusSinceMs: T0 + 8.5 * MIN,
      startedMs: T0 + 0.5 * MIN,
      stageMs: { list: 2 * MIN, download: 6 * MIN },
      jobMs: 8 * MIN,
    });
    expect(completed.map((c) => c.part)).toEqual(['list']);
  });

  it('starts over when the job goes back (DMS runs it again), measuring from its next change', () => {
    const { watch: last, completed } = watch([
      ...everyMinute([
        [0, 'INIT'],
        [1, 'LISTING'],
        [2, 'LIST_SUCCESS'],
        [3, 'DOWNLOADING'],
        [4, 'DOWNLOAD_SUCCESS'],
        [5, 'FILTERING'],
        [6, 'FILTER_SUCCESS'],
        [10, 'INIT'], // again
        [11, 'LISTING'],
        [15, 'LIST_SUCCESS'],
      ]),
    ]);
    expect(last?.times).toEqual({
      statusSinceMs: T0 + 14.5 * MIN,
      startedMs: T0 + 10.5 * MIN,
      stageMs: { list: 4 * MIN },
      jobMs: undefined,
    });
    expect(completed.map((c) => `${c.part}@${c.atMinute}`)).toEqual([
      'list@2',
      'download@4',
      'filter@6',
      'job@6',
      'list@15',
    ]);
  });

  it('measures nothing of a run it saw only after it went back: a state taken back is no stage', () => {
    const { watch: last, completed } = watch(
      everyMinute([
        [0, 'FILTERING'],
        [2, 'FILTER_SUCCESS'],
        [3, 'FILTERING'], // DMS took the state back
        [5, 'FILTER_SUCCESS'],
      ]),
    );
    expect(last?.times).toEqual({
      statusSinceMs: T0 + 4.5 * MIN,
      startedMs: undefined,
      stageMs: {},
      jobMs: undefined,
    });
    expect(completed).toEqual([]);
  });
});
