import { randomBytes } from 'node:crypto';
import { scenarioFromYaml, startSimulator, type Scenario } from 'dms-simulator';
import type { Logger } from 'pino';
import { configFromText } from './config/parse.js';
import type { ConfigSource } from './runtime.js';

// Everything `--demo` is: a built-in simulator with generated credentials, tickets whose jobs move
// through every state, and an exporter config that finds them by ticket discovery (no order ids to
// write). The scenario is a scenario file like any other, so the same checks apply to it.

/**
 * The demo starts 40 s into the simulator's timeline: at 0 s every job is still listing, at 40 s a
 * newcomer sees eight different states (two of them failures) on the first page load.
 */
const HEAD_START_MS = 40_000;

// Every job status shows up within the first minute; the timeline wraps every hour so a
// long-running demo keeps changing. Ticket 1011 is created a minute after the demo starts, so the
// next discovery run (every 15 s) picks it up; 1012 waits for approval. 1013 starts after the demo
// does and runs for half an hour in stages of several minutes, so that, scraped every minute (the
// compose stack), the estimates of prometheus/rules.yml move while it runs, and its "results ready"
// reaches Alertmanager when it ends. An hour is longer than a stage plus the estimates' 30-minute
// window: a window never holds two runs of one stage.
const ORDERS = `
  - { id: 1001, list: 5s, pause: 1s, download: 10s, filter: 5s }
  - { id: 1002, list: 240s }
  - { id: 1003, list: 10s, download: 300s }
  - { id: 1004, list: 5s, download: 20s, filter: 400s }
  - { id: 1005, list: 15s, pause: 120s }
  - { id: 1006, list: 5s, download: 10s, pause: 200s }
  - { id: 1007, start: 300s }
  - { id: 1008, list: 5s, download: 40s, outcome: download_fail, stop_at: { ratio: 0.6 } }
  - { id: 1009, list: 5s, download: 10s, filter: 30s, outcome: filter_fail, stop_at: { ratio: 0.5 } }
  - { id: 1010, list: 10s, download: 60s, outcome: stall, stop_at: { stage: download, ratio: 0.35 } }
  - { id: 1011, start: 110s, list: 30s, download: 60s }
  - { id: 1012 }
  - { id: 1013, start: 150s, list: 6m, download: 12m, filter: 8m }`;

const TICKETS = `
  - { id: 1001, created: -3h, approved: -2h, committer: alice, comment: finishes quickly }
  - { id: 1002, created: -3h, approved: -2h, committer: bob, comment: long listing }
  - { id: 1003, created: -5h, approved: -4h, committer: alice, comment: long download }
  - { id: 1004, created: -1d, approved: -20h, committer: carol, comment: long filter }
  - { id: 1005, created: -2h, approved: -1h, committer: bob, comment: waits after listing }
  - { id: 1006, created: -2h, approved: -1h, committer: dave, comment: waits after download }
  - { id: 1007, created: -1h, approved: -30m, committer: erin, comment: starts late }
  - { id: 1008, created: -6h, approved: -5h, committer: carol, comment: download fails }
  - { id: 1009, created: -6h, approved: -5h, committer: dave, comment: filter fails }
  - { id: 1010, created: -7h, approved: -6h, committer: alice, comment: stalls downloading }
  - { id: 1011, created: 100s, approved: 105s, committer: erin, comment: created during the demo }
  - { id: 1012, created: -20m, committer: frank, comment: waits for approval }
  - { id: 1013, created: -40m, approved: -10m, committer: grace, comment: a day of binlogs, detail: { database: 'orders@10.0.0.12:3306' } }
  - { id: 2001, plugin_type: DATA_CORRECT, created: -1h, comment: not a data-tracking ticket }`;

/** The demo's scenario; throws only if this file's own text is wrong (a test parses it). */
export function demoScenario(credentials: { accessKeyId: string; accessKeySecret: string }): Scenario {
  const text = `credentials:
  - { access_key_id: '${credentials.accessKeyId}', access_key_secret: '${credentials.accessKeySecret}' }
repeat_every: 1h
orders:${ORDERS}
tickets:${TICKETS}
`;
  return scenarioFromYaml(text, 'demo scenario');
}

export interface Demo {
  /** The exporter config for the demo: one profile pointing at the simulator, discovery on. */
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
  const text = `profiles:
  default:
    endpoint: '${simulator.endpoint}'
    protocol: http
    access_key_id: \${DEMO_ACCESS_KEY_ID}
    access_key_secret: \${DEMO_ACCESS_KEY_SECRET}
    discovery: { enabled: true, interval: 15s, keep_finished_for: 1h }
scrape: { timeout: 10s, concurrency: 8, terminal_recheck: 1m }
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
