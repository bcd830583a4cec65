import type { Scenario, ScenarioOrder } from './scenario.js';

// The built-in demo: every job status shows up within the first minute, and the timeline wraps every
// ten minutes so a long-running demo keeps changing.

const S = 1000;

type DemoOrder = Pick<ScenarioOrder, 'id' | 'name'> & Partial<ScenarioOrder>;

const ORDERS: readonly DemoOrder[] = [
  { id: 1001, name: 'finishes-quickly', listMs: 5 * S, pauseMs: 1 * S, downloadMs: 10 * S, filterMs: 5 * S },
  { id: 1002, name: 'long-listing', listMs: 240 * S },
  { id: 1003, name: 'long-download', listMs: 10 * S, downloadMs: 300 * S },
  { id: 1004, name: 'long-filter', listMs: 5 * S, downloadMs: 20 * S, filterMs: 400 * S },
  { id: 1005, name: 'waits-after-listing', listMs: 15 * S, pauseMs: 120 * S },
  { id: 1006, name: 'waits-after-download', listMs: 5 * S, downloadMs: 10 * S, pauseMs: 200 * S },
  { id: 1007, name: 'starts-late', startMs: 300 * S },
  {
    id: 1008,
    name: 'download-fails',
    listMs: 5 * S,
    downloadMs: 40 * S,
    outcome: 'download_fail',
    stopAt: { stage: 'download', ratio: 0.6 },
  },
  {
    id: 1009,
    name: 'filter-fails',
    listMs: 5 * S,
    downloadMs: 10 * S,
    filterMs: 30 * S,
    outcome: 'filter_fail',
    stopAt: { stage: 'filter', ratio: 0.5 },
  },
  {
    id: 1010,
    name: 'stalls-downloading',
    listMs: 10 * S,
    downloadMs: 60 * S,
    outcome: 'stall',
    stopAt: { stage: 'download', ratio: 0.35 },
  },
];

/**
 * A handful of orders covering every status (INIT..FILTER_SUCCESS, DOWNLOAD_FAIL, FILTER_FAIL, one
 * stalled), repeating every 10 minutes, accepting only the given credentials. `orders` carries the ids
 * and names for the demo exporter config.
 */
export function demoScenario(credentials: { accessKeyId: string; accessKeySecret: string }): Scenario {
  return {
    credentials: [{ accessKeyId: credentials.accessKeyId, accessKeySecret: credentials.accessKeySecret }],
    repeatEveryMs: 600 * S,
    orders: ORDERS.map((o): ScenarioOrder => ({
      startMs: 0,
      listMs: 20 * S,
      downloadMs: 60 * S,
      filterMs: 30 * S,
      pauseMs: 2 * S,
      outcome: 'success',
      ...o,
    })),
  };
}
