import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { err, ok } from 'yaml-files';
import { createSemaphore } from '../../src/dms/gates.js';
import { startGatedCall, type CallSettled, type DmsAction } from '../../src/dms/gated-call.js';
import type { DmsError } from '../../src/dms/types.js';
import { ManualClock } from '../support/clock.js';
import { startGateway, type Gateway, type GatewayMode } from '../support/gateway.js';
import { waitFor } from '../support/services.js';
import {
  TEST_KEY,
  sampleValue,
  scenarioFromYaml,
  scenarioYaml,
  startStack,
  type Stack,
} from '../support/stack.js';

// The one rule every DMS call follows (src/dms/gated-call.ts), seen from outside: the simulator makes
// the faults DMS makes, and a gateway on the path makes the ones only a network or a proxy makes
// (a dropped connection, a 502 page). Each case has its own profile behind its own gateway, so the
// requests each one cost can be counted.

interface RetryCase {
  readonly name: string;
  /** The simulator's fault for the case's order or for ListOrders, if the simulator makes it. */
  readonly fault?: string;
  /** What the gateway does; it passes requests to the simulator unless told otherwise. */
  readonly gateway?: GatewayMode;
  /** The case's access key secret, when it is not the one the simulator accepts. */
  readonly secret?: string;
  /** The code the call fails with, as metrics and logs show it. */
  readonly code: string;
  readonly retried: boolean;
}

const CASES: readonly RetryCase[] = [
  { name: 'throttling', fault: 'throttle', code: 'Throttling.User', retried: true },
  { name: 'InternalError', fault: 'internal_error', code: 'InternalError', retried: true },
  { name: 'ServiceUnavailable', fault: 'unavailable', code: 'ServiceUnavailable', retried: true },
  { name: 'a 5xx without an Alibaba code', gateway: 'bad_gateway', code: 'http_502', retried: true },
  { name: 'a network error', gateway: 'reset', code: 'network', retried: true },
  { name: 'a signature error', secret: 'not-the-secret', code: 'SignatureDoesNotMatch', retried: false },
  { name: 'a business error', fault: 'business_error', code: 'UnknownError', retried: false },
  { name: 'a malformed answer', fault: 'malformed_json', code: 'malformed_response', retried: false },
];

const profileYaml = (name: string, endpointVariable: string, secret = '${AK_SECRET}'): string =>
  `  ${name}: { endpoint: '\${${endpointVariable}}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '${secret}' }`;

/** Gateways for `cases`, each passing requests to the simulator once the stack is up. */
async function gatewaysFor(cases: readonly RetryCase[]): Promise<Gateway[]> {
  return Promise.all(cases.map((c) => startGateway(c.gateway ?? 'forward')));
}

const retries = (text: string, action: string, code: string): number | undefined =>
  sampleValue(text, `aliyun_dms_datatrack_api_retries_total{action="${action}",code="${code}"}`);

describe('retries of a scrape call (GetDataTrackJobDegree)', () => {
  let stack: Stack;
  let gateways: Gateway[];
  let text: string;

  beforeAll(async () => {
    gateways = await gatewaysFor(CASES);
    const orders = CASES.map(
      (c, i) => `  - { id: ${i + 1}, list: 1h${c.fault ? `, fault: { kind: ${c.fault} }` : ''} }`,
    );
    const configText = `profiles:
${CASES.map((c, i) => profileYaml(`case${i + 1}`, `GATEWAY${i + 1}`, c.secret)).join('\n')}
orders:
${CASES.map((_, i) => `  - { id: ${i + 1}, profile: case${i + 1} }`).join('\n')}
`;
    stack = await startStack({
      scenario: scenarioFromYaml(scenarioYaml(orders)),
      configText,
      env: Object.fromEntries(gateways.map((g, i) => [`GATEWAY${i + 1}`, g.endpoint])),
    });
    for (const gateway of gateways) gateway.forwardTo(stack.simulator.endpoint);
    ({ text } = await stack.scrape());
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all(gateways.map((g) => g.close()));
  });

  it.each(CASES.map((c, i) => ({ ...c, id: i + 1 })))(
    'after $name: retried $retried',
    ({ id, code, retried }) => {
      expect(
        sampleValue(text, `aliyun_dms_datatrack_order_error_info{order_id="${id}",code="${code}"}`),
      ).toBe(1);
      expect(gateways[id - 1]?.received()).toBe(retried ? 2 : 1);
      expect(retries(text, 'GetDataTrackJobDegree', code)).toBe(retried ? 1 : undefined);
    },
  );

  it('counts both tries as requests', () => {
    const tries = CASES.reduce((sum, c) => sum + (c.retried ? 2 : 1), 0);
    expect(sampleValue(text, 'aliyun_dms_datatrack_api_requests_total{action="GetDataTrackJobDegree"}')).toBe(
      tries,
    );
  });
});

// Discovery on a clock the test moves: the pause before a retry passes only when the test says so.
const START_MS = Date.parse('2026-01-05T01:00:00Z');

const discoveryScenario = (fault: string | undefined): string => `credentials:
  - { access_key_id: ${TEST_KEY.accessKeyId}, access_key_secret: ${TEST_KEY.accessKeySecret} }
timezone: Asia/Shanghai
start_time: 2026-01-05 09:00:00
${fault === undefined ? '' : `list_orders:\n  fault: ${fault}\n`}orders:
  - { id: 11, list: 1h }
tickets:
  - { id: 11, created: -1d, approved: -23h, committer: alice, comment: audit }
`;

describe('retries of a discovery call (ListOrders)', () => {
  let stack: Stack | undefined;
  let gateway: Gateway | undefined;
  afterEach(async () => {
    await stack?.close();
    await gateway?.close();
    stack = gateway = undefined;
  });

  async function discoveryStack(c: Pick<RetryCase, 'gateway' | 'secret'>, fault: string | undefined) {
    const clock = new ManualClock(START_MS);
    gateway = await startGateway(c.gateway ?? 'forward');
    const profile = profileYaml('default', 'GATEWAY', c.secret).replace(
      / }$/,
      ', discovery: { enabled: true } }',
    );
    stack = await startStack({
      scenario: scenarioFromYaml(discoveryScenario(fault)),
      configText: `profiles:\n${profile}\n`,
      clock,
      elapsedMs: () => clock.now() - START_MS,
      env: { GATEWAY: gateway.endpoint },
    });
    gateway.forwardTo(stack.simulator.endpoint);
    return { stack, clock };
  }

  /** The scrape text once `series` has `value`: the exporter got there (bounded wait, no sleep). */
  const once = (s: Stack, series: string, value: number): Promise<string> =>
    waitFor(
      `${series} = ${value}`,
      async () => {
        const { text } = await s.scrape();
        return sampleValue(text, series) === value ? text : undefined;
      },
      10_000,
      20,
    );

  const LIST_ORDERS_TRIES = 'aliyun_dms_datatrack_api_requests_total{action="ListOrders"}';
  const RUNS = 'aliyun_dms_datatrack_discovery_duration_seconds_count{profile="default"}';

  it.each(CASES.map((c) => ({ ...c, fault: c.fault && `{ kind: ${c.fault} }` })))(
    'after $name: retried $retried',
    async (c) => {
      const { stack: s, clock } = await discoveryStack(c, c.fault);
      await once(s, LIST_ORDERS_TRIES, 1);
      clock.advance(400); // the longest pause before a retry
      const text = await once(s, RUNS, 1);
      expect(sampleValue(text, LIST_ORDERS_TRIES)).toBe(c.retried ? 2 : 1);
      expect(gateway?.received()).toBe(c.retried ? 2 : 1);
      expect(retries(text, 'ListOrders', c.code)).toBe(c.retried ? 1 : undefined);
      expect(
        sampleValue(text, `aliyun_dms_datatrack_discovery_errors_total{profile="default",code="${c.code}"}`),
      ).toBe(1);
    },
  );

  it('lists the tickets when the retry after throttling succeeds', async () => {
    const { stack: s, clock } = await discoveryStack({}, '{ kind: throttle, until: 200ms }');
    await once(s, LIST_ORDERS_TRIES, 1);
    clock.advance(400);
    const text = await once(s, RUNS, 1);
    expect(retries(text, 'ListOrders', 'Throttling.User')).toBe(1);
    expect(sampleValue(text, LIST_ORDERS_TRIES)).toBe(2);
    expect(sampleValue(text, 'aliyun_dms_datatrack_discovered_orders{profile="default"}')).toBe(1);
    expect(text).not.toContain('aliyun_dms_datatrack_discovery_errors_total{');
  });
});

// The pause before a retry, for one call on a clock the test moves: an action that is throttled the
// first time and answers the second, so each step of the pause is exact whatever the machine's load.
// The call itself rather than a scrape: the last scrape waiting never leaves during the pause (the
// retry is made only when it fits before the latest deadline), but a discovery run stopped meanwhile does.
const THROTTLED = err<DmsError>({ code: 'Throttling.User', message: 'slow down', requestId: 'R' });

/** Lets promise reactions run (the call's steps between the gates and the action are all microtasks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A call whose first try is throttled, its pause drawn with `random`, and one waiter joined. */
async function throttledOnce(random: number) {
  const clock = new ManualClock();
  const sentAtMs: number[] = [];
  const retried: string[] = [];
  const action: DmsAction<string> = {
    name: 'GetDataTrackJobDegree',
    send() {
      sentAtMs.push(clock.now());
      return Promise.resolve(sentAtMs.length === 1 ? THROTTLED : ok('answer'));
    },
  };
  const call = startGatedCall(action, {
    gates: { bucket: undefined, slots: createSemaphore(1) },
    recorder: {
      requestFinished: () => {},
      retried: (_action, code) => retried.push(code),
      rateLimitWaited: () => {},
    },
    clock,
    random: () => random,
    profile: 'default',
    timeoutMs: 10_000,
    keepAnswer: true,
  });
  call.join(clock.now() + 10_000);
  let settled: CallSettled<string> | undefined;
  void call.settled.then((s) => (settled = s));
  await settle();
  expect(sentAtMs).toHaveLength(1);
  return { clock, call, sentAtMs, retried, settled: () => settled };
}

describe('the pause before a retry', () => {
  it.each([
    { draw: 'smallest', random: 0, pauseMs: 200 },
    { draw: 'largest', random: 0.999, pauseMs: 400 }, // 399.8 ms: random() is below 1
  ])(
    'with the $draw random draw, sends the retry after $pauseMs ms, not before',
    async ({ random, pauseMs }) => {
      const { clock, sentAtMs, retried, settled } = await throttledOnce(random);
      clock.advance(pauseMs - 1);
      await settle();
      expect(sentAtMs).toHaveLength(1);
      clock.advance(1);
      await settle();
      expect(sentAtMs).toHaveLength(2);
      expect(settled()).toEqual({ result: ok('answer'), answered: true });
      expect(retried).toEqual(['Throttling.User']);
    },
  );

  it('drops the retry, and ends the call at once, when its last waiter leaves during the pause', async () => {
    const { clock, call, sentAtMs, retried, settled } = await throttledOnce(0.5);
    clock.advance(100);
    call.leave();
    await settle();
    // Over with the first try's answer before the pause would have ended: nothing keeps it open.
    expect(settled()).toEqual({ result: THROTTLED, answered: true });
    expect(clock.pending).toBe(0);
    clock.advance(400);
    await settle();
    expect(sentAtMs).toHaveLength(1);
    expect(retried).toEqual([]);
  });
});
