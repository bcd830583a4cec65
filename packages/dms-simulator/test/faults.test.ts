import { afterEach, describe, expect, it } from 'vitest';
import { scenarioFromYaml } from '../src/scenario-file.js';
import type { Scenario } from '../src/scenario.js';
import { startSimulator, type RunningSimulator, type SimulatorLogger } from '../src/server.js';
import { callAction, callJobDegree, signedRequest } from './client.js';
import { codeOf, send } from './wire.js';

const KEY = { accessKeyId: 'LTAIfaultKey', accessKeySecret: 'fault-secret-9f' };

/** `orders` as YAML list items, after any `extra` top-level keys; KEY is the one credential. */
function scenario(orders: string, extra = ''): Scenario {
  const key = `{ access_key_id: ${KEY.accessKeyId}, access_key_secret: ${KEY.accessKeySecret} }`;
  return scenarioFromYaml(`credentials: [${key}]\n${extra}orders:\n${orders}`);
}

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(
  s: Scenario,
  extra: { elapsedMs?: () => number; logger?: SimulatorLogger; now?: () => number } = {},
) {
  const logger = extra.logger;
  sim = await startSimulator({
    scenario: s,
    elapsedMs: extra.elapsedMs ?? (() => 10_000),
    ...(logger ? { logger } : {}),
    ...(extra.now ? { now: extra.now } : {}),
  });
  return sim;
}

const call = (running: RunningSimulator, orderId: number, timeoutMs?: number) =>
  callJobDegree(
    { endpoint: running.endpoint, ...KEY, ...(timeoutMs ? { timeoutMs } : {}) },
    { OrderId: orderId },
  );

describe('per-order faults', () => {
  it.each([
    ['throttle', 'Throttling.User', 400],
    ['internal_error', 'InternalError', 500],
    ['unavailable', 'ServiceUnavailable', 503],
  ] as const)('%s is a gateway %s (%s)', async (kind, code, status) => {
    const running = await start(scenario(`  - { id: 1, fault: { kind: ${kind} } }\n`));
    expect(await call(running, 1)).toMatchObject({ ok: false, code, statusCode: status });
    expect(running.callCount({ orderId: 1 })).toBe(1);
  });

  it('malformed_json is a 200 whose body is not JSON', async () => {
    const running = await start(scenario('  - { id: 1, fault: { kind: malformed_json } }\n'));
    expect(await call(running, 1)).toMatchObject({
      ok: false,
      statusCode: 200,
      code: undefined,
      message: expect.stringMatching(/^\{"RequestId":"[0-9A-F-]{36}","Success":tru$/) as unknown,
    });
  });

  it('bad_ratio reports a list ratio of 1.7, unknown_status a JobStatus of PAUSED', async () => {
    const running = await start(
      scenario('  - { id: 1, fault: { kind: bad_ratio } }\n  - { id: 2, fault: { kind: unknown_status } }\n'),
    );
    expect(await call(running, 1)).toMatchObject({
      ok: true,
      body: { JobDegree: { ListCompletionDegree: 1.7 } },
    });
    expect(await call(running, 2)).toMatchObject({
      ok: true,
      body: { Success: true, JobDegree: { JobStatus: 'PAUSED', ListCompletionDegree: 0.5 } },
    });
  });

  it('business_error is HTTP 200 with Success false and the configured code', async () => {
    const running = await start(
      scenario(
        '  - { id: 1, fault: { kind: business_error, code: InvalidOrder, message: no such ticket } }\n  - { id: 2, fault: { kind: business_error } }\n',
      ),
    );
    expect(await call(running, 1)).toMatchObject({
      ok: true,
      statusCode: 200,
      body: { Success: false, ErrorCode: 'InvalidOrder', ErrorMessage: 'no such ticket' },
    });
    expect(await call(running, 2)).toMatchObject({
      ok: true,
      body: { Success: false, ErrorCode: 'UnknownError' },
    });
  });

  it('slow answers after its delay', async () => {
    const running = await start(scenario('  - { id: 1, fault: { kind: slow, delay: 300ms } }\n'));
    const started = Date.now();
    expect(await call(running, 1)).toMatchObject({ ok: true, body: { Success: true } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('slow makes the client time out, and close() does not wait for the abandoned answer', async () => {
    // An answer due in 10 minutes: were close() to wait for it, the test would time out.
    const running = await start(scenario('  - { id: 1, fault: { kind: slow, delay: 10m } }\n'));
    expect(await call(running, 1, 200)).toEqual({
      ok: false,
      statusCode: undefined,
      code: undefined,
      message: 'timed out',
    });
    await running.close();
    sim = undefined;
  });
});

describe('scenario-wide behaviour', () => {
  it('wraps the timeline with repeat_every', async () => {
    let elapsed = 5_000;
    const running = await start(scenario('  - { id: 1, list: 10s }\n', 'repeat_every: 1m\n'), {
      elapsedMs: () => elapsed,
    });
    expect(await call(running, 1)).toMatchObject({ body: { JobDegree: { ListCompletionDegree: 0.5 } } });
    elapsed = 65_000;
    expect(await call(running, 1)).toMatchObject({ body: { JobDegree: { ListCompletionDegree: 0.5 } } });
  });
});

describe('callCount', () => {
  it('counts verified calls by action and order, ignores rejected signatures, and resets', async () => {
    const running = await start(scenario('  - { id: 1 }\n  - { id: 2 }\n'));
    await call(running, 1);
    await call(running, 1);
    await call(running, 2);
    await call(running, 99);
    await callJobDegree({ endpoint: running.endpoint, ...KEY, accessKeySecret: 'nope' }, { OrderId: 1 });
    expect(running.callCount()).toBe(4);
    expect(running.callCount({ orderId: 1 })).toBe(2);
    expect(running.callCount({ action: 'GetDataTrackJobDegree', orderId: 2 })).toBe(1);
    expect(running.callCount({ action: 'ListOrders' })).toBe(0);
    running.resetCounts();
    expect(running.callCount()).toBe(0);
  });
});

describe('logging', () => {
  it('logs one line per rejected request with its code, never a secret', async () => {
    const lines: Array<Readonly<Record<string, unknown>>> = [];
    const record = (fields: Readonly<Record<string, unknown>>, message: string) =>
      lines.push({ ...fields, message });
    const logger: SimulatorLogger = { info: record, error: record };
    const running = await start(scenario('  - { id: 1, fault: { kind: throttle } }\n  - { id: 2 }\n'), {
      logger,
    });
    await call(running, 1);
    await call(running, 2);
    await callJobDegree(
      { endpoint: running.endpoint, ...KEY, accessKeySecret: 'wrong-secret' },
      { OrderId: 2 },
    );
    expect(lines).toEqual([
      expect.objectContaining({
        code: 'Throttling.User',
        method: 'POST',
        message: 'simulator rejected a request',
      }),
      expect.objectContaining({ code: 'SignatureDoesNotMatch', method: 'POST' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(KEY.accessKeySecret);
    expect(JSON.stringify(lines)).not.toContain('wrong-secret');
  });
});

describe('close()', () => {
  it('closes with a kept-alive client socket open, and refuses new connections after', async () => {
    const running = await start(scenario('  - { id: 1 }\n'));
    await call(running, 1);
    await running.close();
    sim = undefined;
    await expect(fetch(`http://${running.endpoint}/`)).rejects.toThrow('fetch failed');
  });
});

describe('RAM permissions (a key with `deny`)', () => {
  it('answers 403 Forbidden.RAM for a denied action, counts the call, and serves the others', async () => {
    const deny = (actions: string) =>
      scenarioFromYaml(
        `credentials: [{ access_key_id: ${KEY.accessKeyId}, access_key_secret: ${KEY.accessKeySecret}, deny: [${actions}] }]\norders:\n  - { id: 1 }\n`,
      );
    const running = await start(deny('ListOrders'));
    expect(await callAction({ endpoint: running.endpoint, ...KEY }, 'ListOrders', {})).toMatchObject({
      ok: false,
      statusCode: 403,
      code: 'Forbidden.RAM',
      message: expect.stringContaining(
        `"Message":"User not authorized to operate on the specified resource, or this API doesn't support RAM."`,
      ) as unknown,
    });
    expect(await call(running, 1)).toMatchObject({ ok: true, body: { Success: true } });
    expect(running.callCount({ action: 'ListOrders' })).toBe(1);
  });

  it('refuses an action it does not know in `deny`', () => {
    expect(() =>
      scenarioFromYaml(
        `credentials: [{ access_key_id: a, access_key_secret: b, deny: [ListOrder] }]\norders: []\n`,
        'deny.yaml',
      ),
    ).toThrow('deny.yaml:1: credentials[0].deny[0]: must be one of');
  });
});

describe('the Date header', () => {
  it("is the simulator's clock, so a client can see how far apart the clocks are", async () => {
    const nowMs = Date.UTC(2031, 0, 2, 3, 4, 5);
    const running = await start(scenario('  - { id: 1 }\n'), { now: () => nowMs });
    const response = await send(
      running.port,
      signedRequest({ endpoint: running.endpoint, ...KEY }, 'GetDataTrackJobDegree', { OrderId: 1 }),
    );
    // The request's own timestamp is ours, years before the simulator's clock: refused, dated 2031.
    expect(codeOf(response)).toBe('InvalidTimeStamp.Expired');
    expect(response.headers.date).toBe('Thu, 02 Jan 2031 03:04:05 GMT');
  });
});
