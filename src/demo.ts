import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { configFromText } from './config/load.js';
import type { ConfigSource } from './runtime.js';
import { startSimulator } from './simulator/server.js';
import type { Scenario, ScenarioOrder } from './simulator/scenario.js';

// Everything `--demo` is: a built-in simulator with generated credentials, a handful of tickets that
// move through every state, and the exporter config pointing at it.

const S = 1000;

/**
 * The demo starts 40 s into the simulator's timeline: at 0 s every job is still listing, at 40 s a
 * newcomer sees eight different states (two of them failures) on the first page load.
 */
const HEAD_START_MS = 40_000;

type DemoOrder = Pick<ScenarioOrder, 'id' | 'name'> & Partial<ScenarioOrder>;

// Every job status shows up within the first minute; the timeline wraps every ten minutes so a
// long-running demo keeps changing.
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

/** Every status (INIT..FILTER_SUCCESS, DOWNLOAD_FAIL, FILTER_FAIL, one stalled), repeating every 10 minutes. */
export function demoScenario(credentials: { accessKeyId: string; accessKeySecret: string }): Scenario {
  return {
    credentials: [credentials],
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

export interface Demo {
  /** The exporter config for the demo: one profile pointing at the simulator, its orders. */
  readonly source: ConfigSource;
  close(): Promise<void>;
}

/** Starts the demo's simulator on loopback with credentials fresh per run and never printed. */
export async function startDemo(logger: Logger): Promise<Demo> {
  const credentials = {
    accessKeyId: `LTAIdemo${randomBytes(8).toString('hex')}`,
    accessKeySecret: randomBytes(24).toString('base64url'),
  };
  const startedMs = Date.now();
  const simulator = await startSimulator({
    scenario: demoScenario(credentials),
    elapsedMs: () => Date.now() - startedMs + HEAD_START_MS,
    logger: logger.child({ component: 'simulator' }),
  });
  logger.info(
    { endpoint: simulator.endpoint },
    'demo: built-in DMS simulator started with generated credentials',
  );
  const orders = ORDERS.map((o) => `  - { id: ${o.id}, name: ${o.name ?? `demo-${o.id}`} }`);
  const text = `profiles:
  default:
    endpoint: '${simulator.endpoint}'
    protocol: http
    access_key_id: \${DEMO_ACCESS_KEY_ID}
    access_key_secret: \${DEMO_ACCESS_KEY_SECRET}
scrape: { timeout: 10s, concurrency: 8, terminal_recheck: 1m }
orders:
${orders.join('\n')}
`;
  const env = {
    DEMO_ACCESS_KEY_ID: credentials.accessKeyId,
    DEMO_ACCESS_KEY_SECRET: credentials.accessKeySecret,
  };
  return {
    source: () => Promise.resolve(configFromText(text, 'demo config', env)),
    close: () => simulator.close(),
  };
}
