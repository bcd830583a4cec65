import { startSimulator, type RunningSimulator } from '../src/server.js';
import { scenarioFromYaml } from '../src/scenario-file.js';
import { callAction, type CallResult, type ClientOptions, type Query } from './client.js';

// The tickets the discovery tests share. The scenario fixes its start on the ticket clock, so every
// time in an answer is exact; the wall clock is only used for signatures. At 60 s (09:01:00):
//
//   id   type          created              status      last change          job
//   102  DATA_TRACK    2026-01-05 09:00:40  processing  2026-01-05 09:01:00  starts at 1m
//   203  PERM_APPLY    2026-01-05 08:55:00  processing  2026-01-05 08:56:00  (AS_ADMIN only)
//   104  DATA_TRACK    2026-01-05 08:50:00  toaudit     2026-01-05 08:50:00  has a job entry, not approved
//   103  DATA_TRACK    2026-01-05 08:00:00  fail        2026-01-05 09:00:15  download fails at 15s
//   105  DATA_TRACK    2026-01-05 06:00:00  reject      2026-01-05 07:00:00  none
//   201  DATA_CORRECT  2026-01-04 09:00:00  success     2026-01-04 11:00:00
//   101  DATA_TRACK    2026-01-03 09:00:00  success     2026-01-05 09:00:30  tid 7, ends at 30s
//   202  DATA_EXPORT   2026-01-01 10:00:00  cancel      2026-01-01 11:00:00
export const DISCOVERY_KEY = { accessKeyId: 'LTAIdiscoveryKey', accessKeySecret: 'discovery-secret' };

export const DISCOVERY_YAML = `credentials:
  - { access_key_id: ${DISCOVERY_KEY.accessKeyId}, access_key_secret: ${DISCOVERY_KEY.accessKeySecret} }
timezone: Asia/Shanghai
start_time: 2026-01-05 09:00:00
list_orders:
  max_page_size: 3
  fault: { kind: throttle, from: 10m, until: 11m }
not_started_error: { code: OrderNotApproved, message: the ticket waits for approval }
orders:
  - { id: 101, tid: 7, list: 10s, download: 10s, filter: 10s, pause: 0s }
  - { id: 102, start: 1m, list: 1m }
  - { id: 103, list: 10s, download: 10s, pause: 0s, outcome: download_fail, stop_at: { ratio: 0.5 } }
  - { id: 104 }
  - { id: 301, list: 2m }
tickets:
  - id: 101
    created: -2d
    approved: -1d
    committer: alice
    committer_id: 11
    comment: Who deleted rows
    detail:
      database: orders@10.0.0.12:3306
      db_id: 1201
      schema: orders
      logic: true
      tables: [orders, order_items]
      track_types: [DELETE]
      job_start: 2026-01-02 00:00:00
      job_end: -2d
  - { id: 102, created: 40s, approved: 50s, committer: bob, committer_id: 12, comment: price audit }
  - { id: 103, created: -1h, approved: -30m, committer: alice, committer_id: 11, comment: user audit }
  - { id: 104, created: -10m, committer: carol, committer_id: 13, comment: waiting }
  - { id: 105, created: -3h, end: { status: reject, at: -2h }, comment: too broad }
  - id: 201
    plugin_type: DATA_CORRECT
    created: -1d
    approved: -23h
    end: { status: success, at: -22h }
    comment: fix a price
  - id: 202
    plugin_type: DATA_EXPORT
    created: 2026-01-01 10:00:00
    end: { status: cancel, at: 2026-01-01 11:00:00 }
  - { id: 203, plugin_type: PERM_APPLY, created: -5m, approved: -4m, scopes: [AS_ADMIN], comment: read access }
`;

export interface DiscoverySimulator {
  readonly running: RunningSimulator;
  /** Moves the timeline (ms since the scenario's start). */
  setElapsed(ms: number): void;
  call(action: string, query: Query, options?: Partial<ClientOptions>): Promise<CallResult>;
}

export async function startDiscovery(yaml = DISCOVERY_YAML, elapsedMs = 60_000): Promise<DiscoverySimulator> {
  let elapsed = elapsedMs;
  const running = await startSimulator({ scenario: scenarioFromYaml(yaml), elapsedMs: () => elapsed });
  return {
    running,
    setElapsed: (ms) => void (elapsed = ms),
    call: (action, query, options = {}) =>
      callAction({ endpoint: running.endpoint, ...DISCOVERY_KEY, ...options }, action, query),
  };
}

/** The body of a successful call, or a thrown error that shows what came back instead. */
export function bodyOf(result: CallResult): Record<string, unknown> {
  if (!result.ok)
    throw new Error(`call failed: ${result.code ?? result.statusCode ?? 'no answer'}: ${result.message}`);
  return result.body;
}

/** The OrderIds of a ListOrders answer, in order. */
export function orderIds(result: CallResult): number[] {
  const body = bodyOf(result) as { Orders?: { Order?: Array<{ OrderId: number }> } };
  return (body.Orders?.Order ?? []).map((o) => o.OrderId);
}
