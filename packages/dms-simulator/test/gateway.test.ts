import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../src/server.js';
import type { Scenario } from '../src/scenario.js';
import { callJobDegree, signRpcQuery, signedRequest, type ClientOptions } from './client.js';
import { codeOf, send, type RawRequest } from './wire.js';

// The simulated gateway over real HTTP, called by the tests' own signer (client.ts).

const KEY = { accessKeyId: 'LTAIsimulatorKey', accessKeySecret: 'simulator-secret' };
const STS = { accessKeyId: 'STS.simulatorKey', accessKeySecret: 'sts-secret', securityToken: 'sts-token' };
const SCENARIO: Scenario = {
  credentials: [KEY, STS],
  orders: [
    {
      id: 1001,
      tid: 3000,
      startMs: 0,
      listMs: 100_000,
      downloadMs: 1,
      filterMs: 1,
      pauseMs: 0,
      outcome: 'success',
    },
  ],
};

let sim: RunningSimulator;
const others: RunningSimulator[] = [];
beforeAll(async () => {
  sim = await startSimulator({ scenario: SCENARIO, elapsedMs: () => 50_000 });
});
afterAll(() => sim.close());
afterEach(async () => {
  await Promise.all(others.splice(0).map((s) => s.close()));
});

/** A request as written, signed only by what its query carries. */
const unsigned = (method: string, url: string): RawRequest => ({
  method,
  url,
  headers: { host: sim.endpoint },
  body: Buffer.alloc(0),
});

const client = (extra: Partial<ClientOptions> = {}): ClientOptions => ({
  endpoint: sim.endpoint,
  ...KEY,
  ...extra,
});

describe.each([
  ['ACS3-HMAC-SHA256', false],
  ['HMAC-SHA1 (v2)', true],
] as const)('%s', (_name, legacy) => {
  it('answers GetDataTrackJobDegree from the scenario', async () => {
    const result = await callJobDegree(client({ legacy }), { OrderId: 1001, Tid: 3000 });
    expect(result).toMatchObject({
      ok: true,
      statusCode: 200,
      body: {
        Success: true,
        JobDegree: {
          JobStatus: 'LISTING',
          StatusDesc: 'listing',
          ListCompletionDegree: 0.5,
          DownloadCompletionDegree: 0,
          FilterCompletionDegree: 0,
        },
      },
    });
  });

  it('rejects a wrong secret with SignatureDoesNotMatch', async () => {
    const result = await callJobDegree(client({ legacy, accessKeySecret: 'wrong' }), { OrderId: 1001 });
    expect(result).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', statusCode: 400 });
  });

  it('rejects an unknown access key with InvalidAccessKeyId.NotFound', async () => {
    const result = await callJobDegree(client({ legacy, accessKeyId: 'LTAInobody' }), { OrderId: 1001 });
    expect(result).toMatchObject({ ok: false, code: 'InvalidAccessKeyId.NotFound', statusCode: 404 });
  });

  it('accepts the right STS token and rejects a wrong or missing one', async () => {
    expect(await callJobDegree(client({ legacy, ...STS }), { OrderId: 1001 })).toMatchObject({ ok: true });
    const wrong = await callJobDegree(client({ legacy, ...STS, securityToken: 'forged' }), { OrderId: 1001 });
    expect(wrong).toMatchObject({
      ok: false,
      code: 'InvalidSecurityToken.MismatchWithAccessKey',
      statusCode: 400,
    });
    const missing = await callJobDegree(client({ legacy, ...STS, securityToken: undefined }), {
      OrderId: 1001,
    });
    expect(missing).toMatchObject({ ok: false, code: 'InvalidSecurityToken.MismatchWithAccessKey' });
  });

  it('rejects a request more than 15 minutes off the gateway clock with InvalidTimeStamp.Expired', async () => {
    const skewed = await startSimulator({ scenario: SCENARIO, now: () => Date.now() + 16 * 60_000 });
    others.push(skewed);
    const result = await callJobDegree(client({ legacy, endpoint: skewed.endpoint }), { OrderId: 1001 });
    expect(result).toMatchObject({ ok: false, code: 'InvalidTimeStamp.Expired', statusCode: 400 });
    expect(skewed.callCount()).toBe(0);
  });

  it("answers an unknown order, or a Tid that is not the order's, with Success false on HTTP 200", async () => {
    for (const query of [{ OrderId: 999 }, { OrderId: 1001, Tid: 4000 }]) {
      const result = await callJobDegree(client({ legacy }), query);
      expect(result).toMatchObject({
        ok: true,
        statusCode: 200,
        body: { Success: false, ErrorCode: 'UnknownError' },
      });
    }
  });

  it('answers a missing OrderId with MissingOrderId', async () => {
    const result = await callJobDegree(client({ legacy }), {});
    expect(result).toMatchObject({ ok: false, code: 'MissingOrderId', statusCode: 400 });
  });
});

describe('replayed and altered requests', () => {
  const capture = (legacy: boolean) =>
    signedRequest({ ...KEY, endpoint: sim.endpoint, legacy }, 'GetDataTrackJobDegree', {
      OrderId: 1001,
      Tid: 3000,
    });

  it.each([false, true])('a byte-for-byte replay is SignatureNonceUsed (legacy: %s)', async (legacy) => {
    const request = capture(legacy);
    const first = await send(sim.port, request);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ Success: true });
    const second = await send(sim.port, request);
    expect([second.status, codeOf(second)]).toEqual([400, 'SignatureNonceUsed']);
  });

  it.each([false, true])('a changed query value is SignatureDoesNotMatch (legacy: %s)', async (legacy) => {
    const request = capture(legacy);
    const tampered = await send(sim.port, request, {
      url: request.url.replace('OrderId=1001', 'OrderId=1002'),
    });
    expect([tampered.status, codeOf(tampered)]).toEqual([400, 'SignatureDoesNotMatch']);
    // A forged request must not spend the nonce: the original still goes through.
    expect((await send(sim.port, request)).status).toBe(200);
  });

  it('a changed x-acs-date is SignatureDoesNotMatch, since the date is signed', async () => {
    const request = capture(false);
    const headers = { ...request.headers, 'x-acs-date': '2020-01-01T00:00:00Z' };
    const stale = await send(sim.port, request, { headers });
    expect([stale.status, codeOf(stale)]).toEqual([400, 'SignatureDoesNotMatch']);
  });

  it('a changed body is SignatureDoesNotMatch (the body hash is checked)', async () => {
    const request = capture(false);
    const changed = await send(sim.port, request, { body: Buffer.from('OrderId=7') });
    expect([changed.status, codeOf(changed)]).toEqual([400, 'SignatureDoesNotMatch']);
  });

  it('a request without any signature is IncompleteSignature', async () => {
    const response = await send(sim.port, unsigned('POST', '/?OrderId=1001'));
    expect([response.status, codeOf(response)]).toEqual([400, 'IncompleteSignature']);
    expect(JSON.parse(response.text)).toEqual({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/) as unknown,
      HostId: 'dms-enterprise.aliyuncs.com',
      Code: 'IncompleteSignature',
      Message: expect.stringContaining('does not conform') as unknown,
      Recommend: expect.stringContaining('q=IncompleteSignature') as unknown,
    });
  });
});

describe('hand-signed legacy requests', () => {
  const base = (timestamp: string, nonce: string, extra: Record<string, string> = {}) =>
    signRpcQuery(
      {
        Action: 'GetDataTrackJobDegree',
        Version: '2018-11-01',
        Format: 'json',
        Timestamp: timestamp,
        SignatureNonce: nonce,
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        AccessKeyId: KEY.accessKeyId,
        OrderId: '1001',
        ...extra,
      },
      KEY.accessKeySecret,
    );
  const now = () => new Date().toISOString().slice(0, 19) + 'Z';

  it.each([
    ['a malformed Timestamp', () => base('2026-11-28 12:00:00', 'n-format'), 'InvalidTimeStamp.Format', 400],
    ['a stale Timestamp', () => base('2020-01-01T00:00:00Z', 'n-stale'), 'InvalidTimeStamp.Expired', 400],
    ['another version', () => base(now(), 'n-version', { Version: '2099-01-01' }), 'InvalidVersion', 400],
    ['another action', () => base(now(), 'n-action', { Action: 'DeleteOrder' }), 'InvalidApi.NotFound', 404],
  ] as const)('rejects %s', async (_name, query, code, status) => {
    const response = await send(sim.port, unsigned('POST', `/?${query()}`));
    expect([response.status, codeOf(response)]).toEqual([status, code]);
  });

  it('accepts GET too', async () => {
    const query = signRpcQuery(
      {
        Action: 'GetDataTrackJobDegree',
        Version: '2018-11-01',
        Timestamp: now(),
        SignatureNonce: 'n-get',
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        AccessKeyId: KEY.accessKeyId,
        OrderId: '1001',
        Note: "CJK 数据 and * ' ( ) ! ~",
      },
      KEY.accessKeySecret,
      'GET',
    );
    const response = await send(sim.port, unsigned('GET', `/?${query}`));
    expect(response.status).toBe(200);
  });
});
