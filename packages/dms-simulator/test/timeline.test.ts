import { describe, expect, it } from 'vitest';
import type { ScenarioOrder } from '../src/scenario.js';
import { jobProgressAt, timelinePosition } from '../src/timeline.js';

const S = 1000;
// start 10s, list 20s, pause 2s, download 40s, pause 2s, filter 10s: filter ends at 84s.
const BASE: ScenarioOrder = {
  id: 1,
  startMs: 10 * S,
  listMs: 20 * S,
  pauseMs: 2 * S,
  downloadMs: 40 * S,
  filterMs: 10 * S,
  outcome: 'success',
};

const at = (order: ScenarioOrder, seconds: number) => jobProgressAt(order, seconds * S);

describe('jobProgressAt, outcome success', () => {
  it.each([
    [0, 'INIT', 0, 0, 0],
    [9.999, 'INIT', 0, 0, 0],
    [10, 'LISTING', 0, 0, 0],
    [15, 'LISTING', 0.25, 0, 0],
    [30, 'LIST_SUCCESS', 1, 0, 0],
    [31, 'LIST_SUCCESS', 1, 0, 0],
    [32, 'DOWNLOADING', 1, 0, 0],
    [42, 'DOWNLOADING', 1, 0.25, 0],
    [72, 'DOWNLOAD_SUCCESS', 1, 1, 0],
    [74, 'FILTERING', 1, 1, 0],
    [79, 'FILTERING', 1, 1, 0.5],
    [84, 'FILTER_SUCCESS', 1, 1, 1],
    [10_000, 'FILTER_SUCCESS', 1, 1, 1],
  ] as const)('at %ss it is %s (%s, %s, %s)', (seconds, status, list, download, filter) => {
    expect(at(BASE, seconds)).toEqual({ status, list, download, filter });
  });

  it('skips zero-length stages and pauses', () => {
    const instant = { ...BASE, startMs: 0, listMs: 0, pauseMs: 0, downloadMs: 0, filterMs: 0 };
    expect(at(instant, 0)).toEqual({ status: 'FILTER_SUCCESS', list: 1, download: 1, filter: 1 });
    const noPause = { ...BASE, pauseMs: 0 };
    expect(at(noPause, 30)).toEqual({ status: 'DOWNLOADING', list: 1, download: 0, filter: 0 });
  });

  it('rounds ratios to four decimals', () => {
    expect(at({ ...BASE, listMs: 3 * S }, 11).list).toBe(0.3333);
  });
});

describe('jobProgressAt, failing and stalled outcomes', () => {
  const downloadFail: ScenarioOrder = {
    ...BASE,
    outcome: 'download_fail',
    stopAt: { stage: 'download', ratio: 0.5 },
  };
  const filterFail: ScenarioOrder = {
    ...BASE,
    outcome: 'filter_fail',
    stopAt: { stage: 'filter', ratio: 0.2 },
  };

  it('fails downloading at the given ratio and stays failed', () => {
    expect(at(downloadFail, 51)).toEqual({ status: 'DOWNLOADING', list: 1, download: 0.475, filter: 0 });
    expect(at(downloadFail, 52)).toEqual({ status: 'DOWNLOAD_FAIL', list: 1, download: 0.5, filter: 0 });
    expect(at(downloadFail, 99_999)).toEqual({ status: 'DOWNLOAD_FAIL', list: 1, download: 0.5, filter: 0 });
  });

  it('fails filtering at the given ratio and stays failed', () => {
    expect(at(filterFail, 75)).toEqual({ status: 'FILTERING', list: 1, download: 1, filter: 0.1 });
    expect(at(filterFail, 76)).toEqual({ status: 'FILTER_FAIL', list: 1, download: 1, filter: 0.2 });
    expect(at(filterFail, 500)).toEqual({ status: 'FILTER_FAIL', list: 1, download: 1, filter: 0.2 });
  });

  it.each([
    ['list', 0.5, 20, 'LISTING', { list: 0.5, download: 0, filter: 0 }],
    ['download', 0, 32, 'DOWNLOADING', { list: 1, download: 0, filter: 0 }],
    ['filter', 0.9, 83, 'FILTERING', { list: 1, download: 1, filter: 0.9 }],
  ] as const)(
    'stalls in %s at %s forever, with a non-final status',
    (stage, ratio, stopsAt, status, ratios) => {
      const stalled: ScenarioOrder = { ...BASE, outcome: 'stall', stopAt: { stage, ratio } };
      expect(at(stalled, stopsAt)).toEqual({ status, ...ratios });
      expect(at(stalled, 1_000_000)).toEqual({ status, ...ratios });
    },
  );
});

describe('timelinePosition', () => {
  it('wraps with repeat_every and never goes below zero', () => {
    expect(timelinePosition(125_000, 60_000)).toBe(5_000);
    expect(timelinePosition(125_000, undefined)).toBe(125_000);
    expect(timelinePosition(-5, 60_000)).toBe(0);
  });
});
