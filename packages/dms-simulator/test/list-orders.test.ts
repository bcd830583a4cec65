import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Query } from './client.js';
import { bodyOf, orderIds, startDiscovery, type DiscoverySimulator } from './discovery-scenario.js';

// ListOrders through this package's test client (client.ts), over real HTTP. See
// discovery-scenario.ts for the tickets and where each one is at 60 s.

let sim: DiscoverySimulator;
beforeAll(async () => {
  sim = await startDiscovery();
});
afterAll(() => sim.running.close());
beforeEach(() => sim.setElapsed(60_000));

const ADMIN = { OrderResultType: 'AS_ADMIN', PageSize: 3 };
const list = (query: Query) => sim.call('ListOrders', { ...ADMIN, ...query });

/** Every page of a query, with the TotalCount of each. */
async function allPages(query: Query) {
  const ids: number[] = [];
  const totals: unknown[] = [];
  for (let page = 1; page <= 4; page++) {
    const result = await list({ ...query, PageNumber: page });
    totals.push(bodyOf(result).TotalCount);
    ids.push(...orderIds(result));
  }
  return { ids, totals };
}

describe.each([
  ['ACS3-HMAC-SHA256', false],
  ['HMAC-SHA1 (v2)', true],
] as const)('%s', (_name, legacy) => {
  it('answers a page of tickets, newest first, with every field', async () => {
    const result = await sim.call('ListOrders', { ...ADMIN, PageSize: 2 }, { legacy });
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(bodyOf(result)).toEqual({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/) as unknown,
      Success: true,
      TotalCount: 8,
      Orders: {
        Order: [
          {
            OrderId: 102,
            PluginType: 'DATA_TRACK',
            StatusCode: 'processing',
            StatusDesc: 'processing',
            Comment: 'price audit',
            Committer: 'bob',
            CommitterId: 12,
            CreateTime: '2026-01-05 09:00:40',
            LastModifyTime: '2026-01-05 09:01:00',
          },
          {
            OrderId: 203,
            PluginType: 'PERM_APPLY',
            StatusCode: 'processing',
            StatusDesc: 'processing',
            Comment: 'read access',
            Committer: 'simulator',
            CommitterId: 1,
            CreateTime: '2026-01-05 08:55:00',
            LastModifyTime: '2026-01-05 08:56:00',
          },
        ],
      },
    });
  });

  it('rejects a wrong secret with SignatureDoesNotMatch', async () => {
    const result = await sim.call('ListOrders', ADMIN, { legacy, accessKeySecret: 'wrong' });
    expect(result).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', statusCode: 400 });
  });
});

describe('ListOrders paging', () => {
  it('pages newest first with a TotalCount of every match on each page', async () => {
    expect(await allPages({})).toEqual({
      ids: [102, 203, 104, 103, 105, 201, 101, 202],
      totals: [8, 8, 8, 8],
    });
  });

  it('cuts a PageSize above max_page_size down to it, and uses 1 for a missing PageNumber', async () => {
    expect(orderIds(await list({ PageSize: 100 }))).toEqual([102, 203, 104]);
  });

  it('answers a page past the end with no tickets and the TotalCount', async () => {
    expect(bodyOf(await list({ PageNumber: 9 }))).toMatchObject({ TotalCount: 8, Orders: { Order: [] } });
  });

  it('gives the newest-first order the statuses and times of the moment asked', async () => {
    const result = bodyOf(await list({ PageSize: 3, PageNumber: 2 })) as {
      Orders: { Order: Array<Record<string, unknown>> };
    };
    expect(result.Orders.Order.map((o) => [o.OrderId, o.StatusCode, o.CreateTime, o.LastModifyTime])).toEqual(
      [
        [103, 'fail', '2026-01-05 08:00:00', '2026-01-05 09:00:15'],
        [105, 'reject', '2026-01-05 06:00:00', '2026-01-05 07:00:00'],
        [201, 'success', '2026-01-04 09:00:00', '2026-01-04 11:00:00'],
      ],
    );
  });
});

describe('ListOrders filters', () => {
  it.each([
    ['PluginType DATA_TRACK', { PluginType: 'DATA_TRACK' }, [102, 104, 103, 105, 101]],
    ['PluginType DATA_EXPORT', { PluginType: 'DATA_EXPORT' }, [202]],
    ['OrderStatus FINISHED', { OrderStatus: 'FINISHED' }, [103, 105, 201, 101, 202]],
    ['OrderStatus RUNNING', { OrderStatus: 'RUNNING' }, [102, 203, 104]],
    ['OrderStatus ALL', { OrderStatus: 'ALL' }, [102, 203, 104, 103, 105, 201, 101, 202]],
    [
      'OrderResultType AS_COMMITTER',
      { OrderResultType: 'AS_COMMITTER' },
      [102, 104, 103, 105, 201, 101, 202],
    ],
    [
      'no OrderResultType (as AS_COMMITTER)',
      { OrderResultType: undefined },
      [102, 104, 103, 105, 201, 101, 202],
    ],
    ['Tid 7 (its own and those without a tenant)', { Tid: 7 }, [102, 203, 104, 103, 105, 201, 101, 202]],
    ['Tid 8', { Tid: 8 }, [102, 203, 104, 103, 105, 201, 202]],
    ['SearchContent in comments, any case', { SearchContent: 'AUDIT' }, [102, 103]],
    ['SearchContent as a committer', { SearchContent: 'carol' }, [104]],
    ['SearchContent as an id', { SearchContent: '201' }, [201]],
    [
      'CREATE_TIME window, both ends included',
      { StartTime: '2026-01-05 08:50:00', EndTime: '2026-01-05 09:00:40' },
      [102, 203, 104],
    ],
    [
      'CREATE_TIME window given as SearchDateType',
      { SearchDateType: 'CREATE_TIME', StartTime: '2026-01-05 08:50:01', EndTime: '2026-01-05 09:00:39' },
      [203],
    ],
    ['StartTime alone', { StartTime: '2026-01-04 09:00:00' }, [102, 203, 104, 103, 105, 201]],
    ['EndTime alone', { EndTime: '2026-01-04 08:59:59' }, [101, 202]],
    [
      'MODIFY_TIME window',
      { SearchDateType: 'MODIFY_TIME', StartTime: '2026-01-05 09:00:15', EndTime: '2026-01-05 09:00:30' },
      [103, 101],
    ],
    [
      'a window that ends before it starts',
      { StartTime: '2026-01-05 09:00:00', EndTime: '2026-01-05 08:00:00' },
      [],
    ],
    [
      'several filters at once',
      { PluginType: 'DATA_TRACK', OrderStatus: 'FINISHED', SearchContent: 'o', Tid: 7 },
      [105, 101],
    ],
  ] as const)('%s', async (_name, query, expected) => {
    const { ids, totals } = await allPages(query);
    expect(ids).toEqual(expected);
    expect(totals).toEqual([expected.length, expected.length, expected.length, expected.length]);
  });
});

describe('ListOrders over time', () => {
  it('lists a ticket created mid-run only from its creation on, and follows its status', async () => {
    const seen = async (elapsedMs: number) => {
      sim.setElapsed(elapsedMs);
      const result = bodyOf(await list({ PluginType: 'DATA_TRACK', PageSize: 1 })) as {
        TotalCount: number;
        Orders: { Order: Array<Record<string, unknown>> };
      };
      const first = result.Orders.Order[0];
      return [result.TotalCount, first?.OrderId, first?.StatusCode, first?.LastModifyTime];
    };
    expect(await seen(39_999)).toEqual([4, 104, 'toaudit', '2026-01-05 08:50:00']);
    expect(await seen(40_000)).toEqual([5, 102, 'toaudit', '2026-01-05 09:00:40']);
    expect(await seen(55_000)).toEqual([5, 102, 'approved', '2026-01-05 09:00:50']);
    expect(await seen(60_000)).toEqual([5, 102, 'processing', '2026-01-05 09:01:00']);
    // list 1m, pause 2s, download 60s, pause 2s, filter 30s after its start at 1m: done at 3m34s.
    expect(await seen(214_000)).toEqual([5, 102, 'success', '2026-01-05 09:03:34']);
  });

  it('shows a job that succeeds as processing until it ends', async () => {
    sim.setElapsed(29_999);
    const before = bodyOf(await list({ EndTime: '2026-01-03 09:00:00' })) as {
      Orders: { Order: Array<Record<string, unknown>> };
    };
    expect(before.Orders.Order[0]).toMatchObject({ OrderId: 101, StatusCode: 'processing' });
  });
});

describe('ListOrders parameter checks', () => {
  it.each([
    ['OrderStatus', { OrderStatus: 'DONE' }, 'OrderStatus must be one of ALL, FINISHED, RUNNING.'],
    [
      'OrderResultType (exact case)',
      { OrderResultType: 'as_admin' },
      'OrderResultType must be one of AS_ADMIN, AS_COMMITTER, AS_HANDLER, AS_OWNER, AS_Related.',
    ],
    [
      'SearchDateType',
      { SearchDateType: 'FINISH_TIME' },
      'SearchDateType must be one of CREATE_TIME, MODIFY_TIME.',
    ],
    [
      'StartTime in ISO form',
      { StartTime: '2026-01-05T09:00:00Z' },
      'StartTime must be a time such as 2022-04-08 11:00:00.',
    ],
    [
      'EndTime on no real day',
      { EndTime: '2026-02-30 00:00:00' },
      'EndTime must be a time such as 2022-04-08 11:00:00.',
    ],
    ['PageSize 0', { PageSize: 0 }, 'PageSize must be a positive whole number.'],
    ['PageNumber not a number', { PageNumber: 'two' }, 'PageNumber must be a positive whole number.'],
    ['Tid negative', { Tid: -7 }, 'Tid must be a positive whole number.'],
  ] as const)('rejects a bad %s with InvalidParameter', async (_name, query, detail) => {
    const result = await list(query);
    expect(result).toMatchObject({ ok: false, code: 'InvalidParameter', statusCode: 400 });
    if (!result.ok) expect(result.message).toContain(detail);
  });
});

describe('ListOrders fault', () => {
  it('fails from `from` (included) until `until` (excluded), then answers again', async () => {
    const codes = [];
    for (const elapsed of [599_999, 600_000, 659_999, 660_000]) {
      sim.setElapsed(elapsed);
      const result = await list({});
      codes.push(result.ok ? 'ok' : result.code);
    }
    expect(codes).toEqual(['ok', 'Throttling.User', 'Throttling.User', 'ok']);
  });
});

describe('callCount', () => {
  it('counts ListOrders calls by action', async () => {
    sim.running.resetCounts();
    await list({});
    await list({ PageNumber: 2 });
    await sim.call('GetDataTrackJobDegree', { OrderId: 101 });
    expect(sim.running.callCount({ action: 'ListOrders' })).toBe(2);
    expect(sim.running.callCount({ action: 'GetDataTrackJobDegree' })).toBe(1);
  });
});
