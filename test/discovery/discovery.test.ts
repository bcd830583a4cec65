import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/clock.js';
import { afterDiscoveryRun } from '../support/discovery.js';
import { startGateway, type Gateway, type GatewayMode } from '../support/gateway.js';
import { TEST_KEY, sampleValue, scenarioFromYaml, startStack, type Stack } from '../support/stack.js';

// Ticket discovery against the simulator over real HTTP, with no `orders:` at all. The scenario's
// ticket clock starts at 2026-01-05 09:00:00 (Asia/Shanghai); the exporter's clock is a manual one
// set to the same instant, so discovery's ListOrders window and its timer are exact.
const START_MS = Date.parse('2026-01-05T01:00:00Z');

/** What every scenario below starts with: the test key and the ticket clock. */
const SCENARIO_HEAD = `credentials:
  - { access_key_id: ${TEST_KEY.accessKeyId}, access_key_secret: ${TEST_KEY.accessKeySecret} }
timezone: Asia/Shanghai
start_time: 2026-01-05 09:00:00
`;

const SCENARIO = `${SCENARIO_HEAD}list_orders:
  max_page_size: 2
  fault: { kind: unavailable, from: 20m, until: 31m }
orders:
  - { id: 11, list: 1h }
  - { id: 12, list: 1h }
  - { id: 13, list: 1h }
  - { id: 14, list: 1h }
  - { id: 15, start: 3m, list: 1h }
  - { id: 16, list: 10s, download: 10s, filter: 10s, pause: 0s }
  - { id: 17 }
tickets:
  - { id: 11, created: -1d, approved: -23h, committer: alice, comment: orders audit, detail: { database: 'orders@10.0.0.12:3306', tables: [orders, items], job_start: '2026-01-01 00:00:00', job_end: '2026-01-02 00:00:00' } }
  - { id: 12, created: -2d, approved: -47h, committer: bob, comment: price audit }
  - { id: 13, created: -3d, approved: -71h, committer: carol, comment: test run }
  - { id: 14, created: -6d, approved: -5d, committer: dave, comment: users }
  - { id: 15, created: 2m, approved: 150s, committer: erin, comment: created mid-run }
  - { id: 16, created: -1h, approved: -50m, committer: frank, comment: finishes soon }
  - { id: 17, created: -30m, committer: grace, comment: waits for approval }
  - { id: 18, created: -10d, end: { status: closed, at: -9d }, comment: outside the lookback }
  - { id: 21, plugin_type: DATA_CORRECT, created: -1h, approved: -50m, comment: another kind of ticket }
  - { id: 22, plugin_type: PERM_APPLY, created: -2h, comment: another kind of ticket }
`;

const CONFIG = `profiles:
  default:
    endpoint: \${SIM}
    protocol: http
    access_key_id: \${AK_ID}
    access_key_secret: \${AK_SECRET}
    discovery: { enabled: true, interval: 5m, page_size: 3, keep_finished_for: 8m, exclude_comment: '^test' }
scrape: { min_interval: 0s }
`;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** A simulator of `scenario` and an exporter on the manual clock; the caller closes them. */
async function startDiscoveryStack(
  configText: string,
  scenario: string,
): Promise<{ stack: Stack; clock: ManualClock }> {
  const clock = new ManualClock(START_MS);
  const s = await startStack({
    scenario: scenarioFromYaml(scenario),
    configText,
    clock,
    elapsedMs: () => clock.now() - START_MS,
  });
  return { stack: s, clock };
}

/** The stack of SCENARIO, closed after the test. */
async function discoveryStack(configText = CONFIG): Promise<{ stack: Stack; clock: ManualClock }> {
  const started = await startDiscoveryStack(configText, SCENARIO);
  stack = started.stack;
  return started;
}

const orderIds = (text: string): number[] =>
  [...text.matchAll(/^aliyun_dms_datatrack_order_info\{order_id="(\d+)"/gm)].map((m) => Number(m[1])).sort();

describe('ticket discovery (no orders in the config)', () => {
  it('follows every DATA_TRACK ticket of the lookback window, over several pages, and nothing else', async () => {
    const { stack: s } = await discoveryStack();
    const text = await afterDiscoveryRun(s, 1);
    // 13 is excluded by its comment, 18 is older than the lookback, 21 and 22 are other kinds.
    expect(orderIds(text)).toEqual([11, 12, 14, 16, 17]);
    expect(sampleValue(text, 'aliyun_dms_datatrack_discovered_orders{profile="default"}')).toBe(5);
    expect(s.simulator.callCount({ action: 'ListOrders' })).toBeGreaterThanOrEqual(3);
    expect(text).toContain('aliyun_dms_datatrack_up{order_id="11"} 1');
    // Waiting for approval: exported, but its job is not asked about (no up, no error).
    expect(text).not.toContain('aliyun_dms_datatrack_up{order_id="17"}');
    expect(s.simulator.callCount({ action: 'GetDataTrackJobDegree', orderId: 17 })).toBe(0);
    // Each ticket's detail is asked once.
    expect(s.simulator.callCount({ action: 'GetDataTrackOrderDetail' })).toBe(5);
    expect(sampleValue(text, 'aliyun_dms_datatrack_discovery_orders_without_detail{profile="default"}')).toBe(
      0,
    );
    const page = await (await fetch(`${s.url}/`)).text();
    expect(page).toContain(
      '<td><div class="profile clip" title="default">default</div></td><td><div class="committer clip" title="alice">alice</div><div class="comment lines" title="orders audit">orders audit</div></td><td><div class="database lines" title="orders@10.0.0.12:3306">orders@10.0.0.12:3306</div><div class="range">2025-12-31 16:00 –<br>2026-01-01 16:00 UTC</div></td>',
    );
    expect(page).toContain('data-status="ticket toaudit"');
  });

  it('asks at most details_per_run ticket details per run, and counts the tickets still waiting for theirs', async () => {
    const { stack: s, clock } = await discoveryStack(
      CONFIG.replace('page_size: 3', 'page_size: 3, details_per_run: 2'),
    );
    const without = (text: string) =>
      sampleValue(text, 'aliyun_dms_datatrack_discovery_orders_without_detail{profile="default"}');
    const first = await afterDiscoveryRun(s, 1);
    expect(s.simulator.callCount({ action: 'GetDataTrackOrderDetail' })).toBe(2);
    expect(without(first)).toBe(3);
    clock.advance(5 * 60_000); // 09:05: ticket 15 is new, 3 of the first 5 still wait
    const second = await afterDiscoveryRun(s, 2);
    expect(s.simulator.callCount({ action: 'GetDataTrackOrderDetail' })).toBe(4);
    expect(orderIds(second)).toEqual([11, 12, 14, 15, 16, 17]);
    expect(without(second)).toBe(2);
  });

  it('asks no ticket detail with details_per_run: 0', async () => {
    const { stack: s } = await discoveryStack(
      CONFIG.replace('page_size: 3', 'page_size: 3, details_per_run: 0'),
    );
    const text = await afterDiscoveryRun(s, 1);
    expect(orderIds(text)).toEqual([11, 12, 14, 16, 17]);
    expect(s.simulator.callCount({ action: 'GetDataTrackOrderDetail' })).toBe(0);
    expect(sampleValue(text, 'aliyun_dms_datatrack_discovery_orders_without_detail{profile="default"}')).toBe(
      5,
    );
  });

  it('picks up a ticket created mid-run within one interval, and drops a finished one after keep_finished_for', async () => {
    const { stack: s, clock } = await discoveryStack();
    await afterDiscoveryRun(s, 1);
    clock.advance(5 * 60_000); // 09:05: ticket 15 exists since 09:02; 16 finished at 09:00:30
    const second = await afterDiscoveryRun(s, 2);
    expect(orderIds(second)).toEqual([11, 12, 14, 15, 16, 17]);
    clock.advance(5 * 60_000); // 09:10: 16 finished more than 8 minutes ago
    const third = await afterDiscoveryRun(s, 3);
    expect(orderIds(third)).toEqual([11, 12, 14, 15, 17]);
    expect(third).not.toContain('order_id="16"');
  });

  it('keeps its list and timer through a reload that changes nothing, and starts over when its settings change', async () => {
    const { stack: s } = await discoveryStack();
    await afterDiscoveryRun(s, 1);
    const listed = s.simulator.callCount({ action: 'ListOrders' });
    expect(await s.store.reload()).toEqual({ ok: true, value: undefined });
    const same = (await s.scrape()).text;
    expect(orderIds(same)).toEqual([11, 12, 14, 16, 17]);
    expect(sampleValue(same, 'aliyun_dms_datatrack_discovered_orders{profile="default"}')).toBe(5);
    expect(s.simulator.callCount({ action: 'ListOrders' })).toBe(listed);
    s.setConfigText(CONFIG.replace("exclude_comment: '^test'", "exclude_comment: '^(test|price)'"));
    expect(await s.store.reload()).toEqual({ ok: true, value: undefined });
    const changed = await afterDiscoveryRun(s, 2);
    expect(orderIds(changed)).toEqual([11, 14, 16, 17]);
    expect(sampleValue(changed, 'aliyun_dms_datatrack_discovered_orders{profile="default"}')).toBe(4);
  });

  it("takes the profile's rate limit like every other DMS call, and its waits are measured", async () => {
    const limited = CONFIG.replace(
      '    discovery:',
      '    rate_limit: { requests_per_second: 1000 }\n    discovery:',
    );
    const { stack: s } = await discoveryStack(limited);
    const text = await afterDiscoveryRun(s, 1);
    const calls = ['ListOrders', 'GetDataTrackOrderDetail', 'GetDataTrackJobDegree'].map((action) =>
      sampleValue(text, `aliyun_dms_datatrack_api_requests_total{action="${action}"}`),
    );
    expect(
      calls.every((n) => n !== undefined && n > 0),
      String(calls),
    ).toBe(true);
    const waits = sampleValue(text, 'aliyun_dms_datatrack_rate_limit_wait_seconds_count{profile="default"}');
    expect(waits).toBe(calls.reduce((a = 0, b = 0) => a + b, 0));
  });

  it('keeps the last good list while ListOrders fails, counting the failures by code and logging once per code', async () => {
    const { stack: s, clock } = await discoveryStack();
    await afterDiscoveryRun(s, 1);
    clock.advance(5 * 60_000);
    await afterDiscoveryRun(s, 2);
    clock.advance(5 * 60_000);
    await afterDiscoveryRun(s, 3);
    clock.advance(5 * 60_000);
    await afterDiscoveryRun(s, 4);
    clock.advance(6 * 60_000); // 09:21: ListOrders answers 503 until 09:31
    const failures = (text: string) =>
      sampleValue(
        text,
        'aliyun_dms_datatrack_discovery_errors_total{profile="default",code="ServiceUnavailable"}',
      );
    const warnings = () => s.logs.filter((l) => l.msg === 'ticket discovery failed; keeping the last list');
    const failing = await afterDiscoveryRun(s, 5);
    expect(orderIds(failing)).toEqual([11, 12, 14, 15, 17]);
    expect(failures(failing)).toBe(1);
    expect(warnings()).toHaveLength(1);
    // 09:27 (the run starts at 09:26, and its try seems to take a minute, too long for a retry before
    // its deadline, as at 09:21): the same code again is counted, not logged again.
    clock.advance(6 * 60_000);
    const again = await afterDiscoveryRun(s, 6);
    expect(orderIds(again)).toEqual([11, 12, 14, 15, 17]);
    expect(failures(again)).toBe(2);
    expect(warnings()).toHaveLength(1);
  });

  it('follows the newest tickets when there are more than max_orders, counting and logging the rest', async () => {
    const { stack: s, clock } = await discoveryStack(
      CONFIG.replace('page_size: 3', 'page_size: 3, max_orders: 3'),
    );
    const leftOut = (text: string) =>
      sampleValue(text, 'aliyun_dms_datatrack_discovery_orders_left_out{profile="default"}');
    const warnings = () =>
      s.logs.filter(
        (l) =>
          l.msg === 'ticket discovery found more tickets than discovery.max_orders; following the newest',
      );
    // Of 11, 12, 14, 16 and 17 (all followed without max_orders), the newest three were created 30
    // minutes, 1 hour and 1 day ago.
    const first = await afterDiscoveryRun(s, 1);
    expect(orderIds(first)).toEqual([11, 16, 17]);
    expect(leftOut(first)).toBe(2);
    expect(warnings()).toEqual([
      expect.objectContaining({ level: 'warn', profile: 'default', max_orders: 3, left_out: 2 }),
    ]);
    clock.advance(5 * 60_000); // 09:05: ticket 15, created at 09:02, pushes 11 out; no new warning
    const second = await afterDiscoveryRun(s, 2);
    expect(orderIds(second)).toEqual([15, 16, 17]);
    expect(leftOut(second)).toBe(3);
    expect(warnings()).toHaveLength(1);
  });
});

// What one run of discovery exports for tickets that end without a job, a long comment, and a ticket
// the config names too; the tests below read the same stack after its first run.
// Each piece has a character outside the Basic Multilingual Plane, two UTF-16 code units: the cut
// counts characters, and never splits one in two.
const COMMENT_PIECES = Array.from({ length: 20 }, (_, i) => `[🐬 pcs ${String(i).padStart(2, '0')}]`);
/** 200 characters, ten per piece (220 UTF-16 code units). */
const LONG_COMMENT = COMMENT_PIECES.join('');

const ONE_RUN_SCENARIO = `${SCENARIO_HEAD}orders:
  - { id: 31, list: 1h }
  - { id: 32, list: 1h }
  - { id: 34, list: 1h }
  - { id: 35, list: 1h }
tickets:
  - { id: 31, created: -1d, approved: -23h, committer: alice, comment: '${LONG_COMMENT}' }
  - { id: 32, created: -2d, approved: -47h, committer: bob, comment: also in the config }
  - { id: 33, created: -1h, end: { status: reject, at: -1m }, committer: carol, comment: rejected }
  - { id: 34, created: -1h, approved: -50m, end: { status: cancel, at: -1m }, committer: dave, comment: cancelled }
  - { id: 35, created: -1h, approved: -50m, end: { status: closed, at: -1m }, committer: erin, comment: closed }
`;

const ONE_RUN_CONFIG = `profiles:
  default:
    endpoint: \${SIM}
    protocol: http
    access_key_id: \${AK_ID}
    access_key_secret: \${AK_SECRET}
    discovery: { enabled: true, interval: 5m }
orders:
  - { id: 32, name: price audit }
scrape: { min_interval: 0s }
`;

/** The sample lines of `text` that start with `prefix`. */
const linesOf = (text: string, prefix: string): string[] =>
  text.split('\n').filter((line) => line.startsWith(prefix));

describe('what one discovery run exports', () => {
  let oneRun: { stack: Stack; text: string } | undefined;
  beforeAll(async () => {
    const { stack: s } = await startDiscoveryStack(ONE_RUN_CONFIG, ONE_RUN_SCENARIO);
    oneRun = { stack: s, text: await afterDiscoveryRun(s, 1) };
  });
  afterAll(async () => {
    await oneRun?.stack.close();
  });
  const followed = (): { stack: Stack; text: string } => {
    if (oneRun === undefined) throw new Error('the stack did not start');
    return oneRun;
  };

  // A ticket waiting for approval (toaudit) is the other one without a job: see the first test above.
  it.each([
    { status: 'reject', id: 33 },
    { status: 'cancel', id: 34 },
    { status: 'closed', id: 35 },
  ])('exports a $status ticket with its state, and asks nothing about a job it has not', ({ status, id }) => {
    const { stack: s, text } = followed();
    expect(linesOf(text, `aliyun_dms_datatrack_ticket_status{order_id="${id}",status="${status}"} `)).toEqual(
      [`aliyun_dms_datatrack_ticket_status{order_id="${id}",status="${status}"} 1`],
    );
    expect(linesOf(text, `aliyun_dms_datatrack_up{order_id="${id}"}`)).toEqual([]);
    expect(s.simulator.callCount({ action: 'GetDataTrackJobDegree', orderId: id })).toBe(0);
  });

  it('exports a ticket the config names once, as the config names it', () => {
    const { text } = followed();
    expect(linesOf(text, 'aliyun_dms_datatrack_order_info{order_id="32",')).toEqual([
      'aliyun_dms_datatrack_order_info{order_id="32",name="price audit",profile="default",tid="",source="config",committer="",comment="",database="",console_url=""} 1',
    ]);
    expect(linesOf(text, 'aliyun_dms_datatrack_up{order_id="32"}')).toEqual([
      'aliyun_dms_datatrack_up{order_id="32"} 1',
    ]);
  });

  it("cuts a ticket's comment to its first 120 characters in order_info", () => {
    const { text } = followed();
    const [info] = linesOf(text, 'aliyun_dms_datatrack_order_info{order_id="31",');
    expect(info).toContain(
      `,source="discovery",committer="alice",comment="${COMMENT_PIECES.slice(0, 12).join('')}",`,
    );
  });
});

// A gateway between the exporter and the simulator holds the ListOrders requests the test picks, so
// a test can change the config while a discovery run waits for a page, and release it by hand.
const PAGED_SCENARIO = `${SCENARIO_HEAD}list_orders:
  max_page_size: 2
orders:
  - { id: 11, list: 1h }
  - { id: 12, list: 1h }
  - { id: 13, list: 1h }
tickets:
  - { id: 11, created: -1d, approved: -23h, committer: alice, comment: one }
  - { id: 12, created: -2d, approved: -47h, committer: bob, comment: two }
  - { id: 13, created: -3d, approved: -71h, committer: carol, comment: three }
`;

const gatedConfig = (discovery: string): string => `profiles:
  default:
    endpoint: \${GATEWAY}
    protocol: http
    access_key_id: \${AK_ID}
    access_key_secret: \${AK_SECRET}
    discovery: ${discovery}
scrape: { min_interval: 0s }
`;

const DISCOVERY_SERIES = [
  'aliyun_dms_datatrack_discovered_orders{profile="default"}',
  'aliyun_dms_datatrack_discovery_orders_left_out{profile="default"}',
  'aliyun_dms_datatrack_discovery_last_success_timestamp_seconds{profile="default"}',
];

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** Discovery (3 tickets on 2 pages) through a gateway whose mode applies to one DMS action only. */
async function gatedStack(
  mode: GatewayMode,
  action = 'ListOrders',
): Promise<{ stack: Stack; clock: ManualClock; gateway: Gateway }> {
  const clock = new ManualClock(START_MS);
  const g = await startGateway(mode);
  gateway = g;
  g.actions = new Set([action]);
  const s = await startStack({
    scenario: scenarioFromYaml(PAGED_SCENARIO),
    configText: gatedConfig('{ enabled: true, interval: 5m, page_size: 2 }'),
    clock,
    elapsedMs: () => clock.now() - START_MS,
    env: { GATEWAY: g.endpoint },
  });
  stack = s;
  g.forwardTo(s.simulator.endpoint);
  return { stack: s, clock, gateway: g };
}

/** Resolves when `promise` does; fails the test, saying what it waited for, after 10 s. */
function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 10_000);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('a discovery run stopped by a reload while it waits for DMS', () => {
  it('survives its profile being removed: gives up its request and asks nothing more', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const { stack: s, gateway: g } = await gatedStack('hold');
      // The first run has asked for page 1 of 2, and the gateway holds it.
      const page = await within('page 1', g.held(1));
      s.setConfigText(`profiles:
  other:
    endpoint: \${SIM}
    protocol: http
    access_key_id: \${AK_ID}
    access_key_secret: \${AK_SECRET}
`);
      expect(await s.store.reload()).toEqual({ ok: true, value: undefined });
      await within('the run to give up page 1', page.abandoned);
      const { status, text } = await s.scrape();
      expect(status).toBe(200);
      for (const series of DISCOVERY_SERIES) expect(sampleValue(text, series)).toBeUndefined();
      expect(unhandled).toEqual([]);
      expect(g.received()).toBe(1);
      expect(s.logs.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});

describe('a discovery run stopped by turning discovery off', () => {
  // The first run lists 3 tickets on 2 pages; the second run's pages are held, and released by hand.
  it.each([
    { waitingFor: 'its first page', released: 0 },
    { waitingFor: 'its last page', released: 1 },
  ])('reports nothing once it ends, when stopped waiting for $waitingFor', async ({ released }) => {
    const { stack: s, clock, gateway: g } = await gatedStack('forward');
    const first = await afterDiscoveryRun(s, 1);
    expect(sampleValue(first, 'aliyun_dms_datatrack_discovered_orders{profile="default"}')).toBe(3);
    // Each series is there before the run is stopped, so its absence below says something.
    for (const series of DISCOVERY_SERIES) expect(sampleValue(first, series)).toBeDefined();
    g.mode = 'hold';
    clock.advance(5 * 60_000);
    for (let n = 1; n <= released; n++) (await within(`page ${n}`, g.held(n))).release();
    const waiting = await within('the page the run waits for', g.held(released + 1));
    s.setConfigText(gatedConfig('{ enabled: false }'));
    expect(await s.store.reload()).toEqual({ ok: true, value: undefined });
    await within('the run to give up its page', waiting.abandoned);
    const { text } = await s.scrape();
    for (const series of DISCOVERY_SERIES) expect(sampleValue(text, series)).toBeUndefined();
    expect(
      sampleValue(text, 'aliyun_dms_datatrack_discovery_duration_seconds_count{profile="default"}'),
    ).toBe(1);
    expect(text).not.toContain('aliyun_dms_datatrack_discovery_errors_total{');
    expect(s.logs.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    expect(g.received('ListOrders')).toBe(2 + released + 1);
  });
});

describe('a discovery run at its deadline', () => {
  it('gives up the page it waits for, counts the failure and keeps the last list', async () => {
    const { stack: s, clock, gateway: g } = await gatedStack('forward');
    await afterDiscoveryRun(s, 1);
    g.mode = 'hold';
    clock.advance(5 * 60_000);
    const page = await within('page 1', g.held(1));
    clock.advance(120_000); // a run never takes longer than two minutes
    await within('the run to give up page 1', page.abandoned);
    const text = await afterDiscoveryRun(s, 2);
    expect(sampleValue(text, 'aliyun_dms_datatrack_discovered_orders{profile="default"}')).toBe(3);
    expect(
      sampleValue(text, 'aliyun_dms_datatrack_discovery_errors_total{profile="default",code="timeout"}'),
    ).toBe(1);
    // The aborted request was sent, so it is counted (docs/operations.md, "Giving up").
    expect(
      sampleValue(text, 'aliyun_dms_datatrack_api_request_errors_total{action="ListOrders",code="timeout"}'),
    ).toBe(1);
  });
});

describe('a ticket detail that fails', () => {
  it('is asked again on the next run, and its ticket counts as without detail until then', async () => {
    const { stack: s, clock, gateway: g } = await gatedStack('bad_gateway', 'GetDataTrackOrderDetail');
    const without = (text: string) =>
      sampleValue(text, 'aliyun_dms_datatrack_discovery_orders_without_detail{profile="default"}');
    // Each detail call answers 502, and so does its retry after a pause of at most 400 ms on the
    // manual clock, which therefore moves on by that much before each look.
    const first = await afterDiscoveryRun(s, 1, () => clock.advance(400));
    expect(without(first)).toBe(3);
    expect(s.simulator.callCount({ action: 'GetDataTrackOrderDetail' })).toBe(0);
    g.mode = 'forward';
    clock.advance(5 * 60_000);
    const second = await afterDiscoveryRun(s, 2);
    expect(without(second)).toBe(0);
    expect(s.simulator.callCount({ action: 'GetDataTrackOrderDetail' })).toBe(3);
  });
});
