import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_NOT_STARTED_ERROR } from '../src/scenario.js';
import { DISCOVERY_YAML, bodyOf, startDiscovery, type DiscoverySimulator } from './discovery-scenario.js';

// GetDataTrackOrderDetail, and GetDataTrackJobDegree for tickets, against the real client. See
// discovery-scenario.ts for the tickets and where each one is at 60 s.

let sim: DiscoverySimulator;
beforeAll(async () => {
  sim = await startDiscovery();
});
afterAll(() => sim.running.close());
beforeEach(() => sim.setElapsed(60_000));

const detail = (OrderId: number | string, extra: Record<string, number> = {}) =>
  sim.call('GetDataTrackOrderDetail', { OrderId, ...extra });
const degree = (OrderId: number) => sim.call('GetDataTrackJobDegree', { OrderId });

const unknown = (orderId: number) => ({
  ok: true,
  statusCode: 200,
  body: {
    Success: false,
    ErrorCode: 'UnknownError',
    ErrorMessage: `The order ${orderId} is not a data tracking order of this tenant.`,
  },
});
const notApproved = {
  ok: true,
  statusCode: 200,
  body: { Success: false, ErrorCode: 'OrderNotApproved', ErrorMessage: 'the ticket waits for approval' },
};

describe.each([
  ['ACS3-HMAC-SHA256', false],
  ['HMAC-SHA1 (v2)', true],
] as const)('%s', (_name, legacy) => {
  it('answers the detail of a DATA_TRACK ticket, with its job status', async () => {
    const result = await sim.call('GetDataTrackOrderDetail', { OrderId: 101, Tid: 7 }, { legacy });
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(bodyOf(result)).toEqual({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/) as unknown,
      Success: true,
      DataTrackOrderDetail: {
        DatabaseSearchName: 'orders@10.0.0.12:3306',
        DbId: 1201,
        SchemaName: 'orders',
        Logic: true,
        TableNames: ['orders', 'order_items'],
        TrackTypes: ['DELETE'],
        JobStartTime: '2026-01-02 00:00:00',
        JobEndTime: '2026-01-03 09:00:00',
        JobStatus: 'FILTER_SUCCESS',
        StatusDesc: 'searching success',
      },
    });
  });

  it('rejects a wrong secret with SignatureDoesNotMatch', async () => {
    const result = await sim.call(
      'GetDataTrackOrderDetail',
      { OrderId: 101 },
      { legacy, accessKeySecret: 'x' },
    );
    expect(result).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', statusCode: 400 });
  });
});

describe('GetDataTrackOrderDetail', () => {
  it('fills in the defaults of a ticket without detail: the hour before its creation, every change type', async () => {
    expect(bodyOf(await detail(103)).DataTrackOrderDetail).toEqual({
      DatabaseSearchName: 'simulated@127.0.0.1:3306',
      DbId: 103,
      SchemaName: 'simulated',
      Logic: false,
      TableNames: ['orders'],
      TrackTypes: ['INSERT', 'UPDATE', 'DELETE'],
      JobStartTime: '2026-01-05 07:00:00',
      JobEndTime: '2026-01-05 08:00:00',
      JobStatus: 'DOWNLOAD_FAIL',
      StatusDesc: 'download fail',
    });
  });

  it('leaves out JobStatus and StatusDesc while there is no job (toaudit, rejected)', async () => {
    for (const id of [104, 105]) {
      const answer = bodyOf(await detail(id)).DataTrackOrderDetail as Record<string, unknown>;
      expect(Object.keys(answer)).toEqual([
        'DatabaseSearchName',
        'DbId',
        'SchemaName',
        'Logic',
        'TableNames',
        'TrackTypes',
        'JobStartTime',
        'JobEndTime',
      ]);
    }
  });

  it('shows INIT between approval and the start of the job', async () => {
    sim.setElapsed(55_000);
    expect(bodyOf(await detail(102)).DataTrackOrderDetail).toMatchObject({
      JobStatus: 'INIT',
      StatusDesc: 'init',
    });
  });

  it.each([
    ['an unknown order', 999, {}],
    ['a ticket of another type', 201, {}],
    ['a job without a ticket', 301, {}],
    ["another tenant's ticket", 101, { Tid: 8 }],
  ] as const)('answers %s with UnknownError on HTTP 200', async (_name, id, extra) => {
    expect(await detail(id, extra)).toMatchObject(unknown(id));
  });

  it('does not know a ticket before it is created', async () => {
    sim.setElapsed(39_999);
    expect(await detail(102)).toMatchObject(unknown(102));
  });

  it('checks OrderId like GetDataTrackJobDegree', async () => {
    expect(await sim.call('GetDataTrackOrderDetail', {})).toMatchObject({
      ok: false,
      code: 'MissingOrderId',
    });
    expect(await detail('12a')).toMatchObject({ ok: false, code: 'InvalidParameter', statusCode: 400 });
  });
});

describe('GetDataTrackJobDegree and tickets', () => {
  it("answers the scenario's not-started error for a DATA_TRACK ticket that is not approved", async () => {
    expect(await degree(104)).toMatchObject(notApproved);
    expect(await degree(105)).toMatchObject(notApproved);
  });

  it('follows a ticket created mid-run: unknown, then not approved, then its job', async () => {
    const at = async (elapsedMs: number) => {
      sim.setElapsed(elapsedMs);
      return degree(102);
    };
    expect(await at(39_999)).toMatchObject(unknown(102));
    expect(await at(45_000)).toMatchObject(notApproved);
    expect(await at(55_000)).toMatchObject({ body: { Success: true, JobDegree: { JobStatus: 'INIT' } } });
    expect(await at(90_000)).toMatchObject({
      body: { Success: true, JobDegree: { JobStatus: 'LISTING', ListCompletionDegree: 0.5 } },
    });
  });

  it('does not know tickets of other types, and still answers for jobs without a ticket', async () => {
    expect(await degree(201)).toMatchObject(unknown(201));
    expect(await degree(301)).toMatchObject({ body: { Success: true, JobDegree: { JobStatus: 'LISTING' } } });
  });

  it('uses UnknownError with a plain message when the scenario names no not_started_error', async () => {
    const other = await startDiscovery(DISCOVERY_YAML.replace(/^not_started_error: .*\n/m, ''));
    try {
      expect(await other.call('GetDataTrackJobDegree', { OrderId: 104 })).toMatchObject({
        ok: true,
        body: {
          Success: false,
          ErrorCode: DEFAULT_NOT_STARTED_ERROR.code,
          ErrorMessage: DEFAULT_NOT_STARTED_ERROR.message,
        },
      });
    } finally {
      await other.running.close();
    }
  });

  it('counts detail calls by action and order', async () => {
    sim.running.resetCounts();
    await detail(101);
    await detail(999);
    expect(sim.running.callCount({ action: 'GetDataTrackOrderDetail' })).toBe(2);
    expect(sim.running.callCount({ action: 'GetDataTrackOrderDetail', orderId: 101 })).toBe(1);
  });
});
