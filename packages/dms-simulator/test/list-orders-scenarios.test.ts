import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../src/server.js';
import { scenarioFromYaml } from '../src/scenario-file.js';
import { callAction, type Query } from './client.js';
import { DISCOVERY_KEY, DISCOVERY_YAML, bodyOf, orderIds } from './discovery-scenario.js';

// ListOrders with variations of the discovery scenario: each fault kind, and the ticket clock.

const ADMIN = { OrderResultType: 'AS_ADMIN', PageSize: 3 };

const simulators: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((s) => s.close()));
});

async function start(yaml: string, options: { elapsedMs: () => number; now?: () => number }) {
  const running = await startSimulator({ scenario: scenarioFromYaml(yaml), ...options });
  simulators.push(running);
  const call = (action: string, query: Query) =>
    callAction({ endpoint: running.endpoint, ...DISCOVERY_KEY }, action, query);
  return { running, call };
}

describe('each ListOrders fault kind', () => {
  it.each([
    ['internal_error', { ok: false, code: 'InternalError', statusCode: 500 }],
    ['unavailable', { ok: false, code: 'ServiceUnavailable', statusCode: 503 }],
    ['malformed_json', { ok: false, statusCode: 200, code: undefined }],
    ['business_error', { ok: true, statusCode: 200, body: { Success: false, ErrorCode: 'UnknownError' } }],
    ['slow, delay: 10ms', { ok: true, body: { Success: true, TotalCount: 8 } }],
  ] as const)('%s (without from and until: always)', async (kind, expected) => {
    const yaml = DISCOVERY_YAML.replace('kind: throttle, from: 10m, until: 11m', `kind: ${kind}`);
    const { running, call } = await start(yaml, { elapsedMs: () => 60_000 });
    expect(await call('ListOrders', ADMIN)).toMatchObject(expected);
    expect(running.callCount({ action: 'ListOrders' })).toBe(1);
    // The data-tracking actions are not affected.
    const degree = await call('GetDataTrackJobDegree', { OrderId: 101 });
    expect(degree).toMatchObject({ ok: true, body: { Success: true } });
  });
});

describe('the ticket clock', () => {
  // Asia/Shanghai has been UTC+8 all year since 1991: an independent check of the formatting.
  const shanghai = (epochMs: number) =>
    new Date(Math.floor(epochMs / 1000) * 1000 + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

  it('without start_time, ticket times are the wall clock minus the elapsed time plus the offset', async () => {
    // Frozen close to the real time, so the client's signature timestamps are still fresh.
    const frozen = Date.now();
    const yaml = DISCOVERY_YAML.replace('start_time: 2026-01-05 09:00:00\n', '');
    const { call } = await start(yaml, { elapsedMs: () => 60_000, now: () => frozen });
    expect(bodyOf(await call('ListOrders', { ...ADMIN, PageSize: 1 }))).toMatchObject({
      Orders: {
        Order: [{ OrderId: 102, CreateTime: shanghai(frozen - 20_000), LastModifyTime: shanghai(frozen) }],
      },
    });
  });

  it('with repeat_every, a ticket created mid-run is listed again from its creation in each cycle', async () => {
    let elapsed = 130_000;
    const yaml = DISCOVERY_YAML.replace('timezone: Asia/Shanghai\n', 'timezone: UTC\nrepeat_every: 2m\n');
    const { call } = await start(yaml, { elapsedMs: () => elapsed });
    const newest = async () => bodyOf(await call('ListOrders', { ...ADMIN, PageSize: 1 }));
    // 10 s into the second cycle: ticket 102 (created at 40 s) is not there yet.
    expect(orderIds(await call('ListOrders', { ...ADMIN, PluginType: 'DATA_TRACK', PageSize: 1 }))).toEqual([
      104,
    ]);
    elapsed = 170_000;
    // In UTC the scenario starts at 09:00:00; the second cycle starts two minutes later.
    expect(await newest()).toMatchObject({
      Orders: { Order: [{ OrderId: 102, CreateTime: '2026-01-05 09:02:40' }] },
    });
  });
});
