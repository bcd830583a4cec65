import { startSimulator } from 'dms-simulator';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { sampleValue, scenarioFromYaml, scenarioYaml, startStack, type Stack } from '../support/stack.js';

// /sd and /probe, blackbox style: what a Prometheus sharding the orders sees.

const CONFIG = (scrape = ''): string => `profiles:
  default: { endpoint: '\${SIM}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '\${AK_SECRET}' }
  other: { endpoint: '\${SIM}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '\${AK_SECRET}', console_url: 'https://dms.example.com/t/{order_id}' }
scrape: { min_interval: 1h${scrape} }
orders:
  - { id: 1, name: first }
  - { id: 2, profile: other }
  - { id: 3 }
`;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function probeStack(scrape = '', ids = [1, 2, 3, 4, 5]): Promise<Stack> {
  const orders = ids.map((id) => `  - { id: ${id}, list: 1h }`);
  stack = await startStack({ scenario: scenarioFromYaml(scenarioYaml(orders)), configText: CONFIG(scrape) });
  return stack;
}

/** Orders 1 and 4 in DMS; profiles east and west (no default), order 1 followed on east. */
const EAST_WEST_ORDERS = scenarioYaml([1, 4].map((id) => `  - { id: ${id}, list: 1h }`));
const eastWestConfig = (westEndpoint = '${SIM}'): string => {
  const profile = (endpoint: string) =>
    `{ endpoint: '${endpoint}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '\${AK_SECRET}' }`;
  return `profiles:\n  east: ${profile('${SIM}')}\n  west: ${profile(westEndpoint)}\nscrape: { probe_unknown_orders: 1 }\norders:\n  - { id: 1, profile: east }\n`;
};

const get = async (s: Stack, path: string) => {
  const response = await fetch(`${s.url}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

describe('GET /sd', () => {
  it('lists every followed order as an http_sd target with its id and profile', async () => {
    const s = await probeStack();
    const { status, type, text } = await get(s, '/sd');
    expect(status).toBe(200);
    expect(type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(text)).toEqual([
      { targets: ['1'], labels: { order_id: '1', profile: 'default' } },
      { targets: ['2'], labels: { order_id: '2', profile: 'other' } },
      { targets: ['3'], labels: { order_id: '3', profile: 'default' } },
    ]);
    expect(s.simulator.callCount()).toBe(0);
  });
});

describe('GET /probe', () => {
  it('exports one order, under the same names as /metrics, without the exporter metrics', async () => {
    const s = await probeStack();
    const { status, text } = await get(s, '/probe?target=2');
    expect(status).toBe(200);
    expect(sampleValue(text, 'aliyun_dms_datatrack_up{order_id="2"}')).toBe(1);
    expect(text).toContain('aliyun_dms_datatrack_order_info{order_id="2",name="",profile="other"');
    expect(text).not.toContain('order_id="1"');
    expect(text).not.toMatch(/^(process_|nodejs_|aliyun_dms_datatrack_api_)/m);
    expect(s.simulator.callCount({ orderId: 2 })).toBe(1);
  });

  it('answers HEAD with the status and type a GET would get, without asking DMS', async () => {
    const s = await probeStack();
    const head = await fetch(`${s.url}/probe?target=2`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(s.simulator.callCount()).toBe(0);
    expect(head.headers.get('content-type')).toBe((await get(s, '/probe?target=2')).type);
    expect((await fetch(`${s.url}/probe?target=9`, { method: 'HEAD' })).status).toBe(404);
  });

  it('shares answers with /metrics (one DMS call per order per min_interval, whichever asks)', async () => {
    const s = await probeStack();
    await s.scrape();
    for (const id of [1, 2, 3]) expect((await get(s, `/probe?target=${id}`)).status).toBe(200);
    expect(s.simulator.callCount()).toBe(3);
    const metrics = await s.scrape();
    expect(sampleValue(metrics.text, 'aliyun_dms_datatrack_answers_reused_total{reason="fresh"}')).toBe(6);
  });

  it('refuses a target that is not an order id (400) and an order it does not follow (404), saying what to send', async () => {
    const s = await probeStack();
    const wanted = 'give a whole number from 1 to 9007199254740991, as in /probe?target=3212345';
    for (const target of ['abc', '0', '-1', '1.5', '0x10', '', '9007199254740992', '12345678901234567'])
      expect(await get(s, `/probe?target=${target}`), target).toMatchObject({
        status: 400,
        text: `target "${target}" is not an order id: ${wanted}\n`,
      });
    const example = 'as in /probe?target=3212345';
    const refusals: Array<[string, number, string]> = [
      ['/probe', 400, `target is missing: give one order id, ${example}`],
      ['/probe?target=1&target=2', 400, `target is given 2 times: give one order id, ${example}`],
      ['/probe?target=1&profile=nope', 400, 'profile "nope" is not defined: give one of default, other'],
      [
        '/probe?target=1&profile=default&profile=other',
        400,
        'profile is given 2 times: give one profile name',
      ],
      [
        '/probe?target=4',
        404,
        "order 4 is not one this exporter follows: add it to the configuration's orders (or let discovery find it), or set scrape.probe_unknown_orders to probe orders it does not follow",
      ],
    ];
    for (const [path, status, text] of refusals)
      expect(await get(s, path), path).toMatchObject({ status, text: `${text}\n` });
    expect(s.simulator.callCount()).toBe(0);
  });

  it('asks for profile= when an unknown id may be probed but there is no default profile', async () => {
    const scenario = scenarioFromYaml(EAST_WEST_ORDERS);
    const s = (stack = await startStack({ scenario, configText: eastWestConfig() }));
    expect(await get(s, '/probe?target=4')).toMatchObject({
      status: 400,
      text: 'order 4 is not one this exporter follows, and there is no profile "default" to ask DMS with: add profile=NAME, one of east, west\n',
    });
    expect((await get(s, '/probe?target=1')).status).toBe(200);
    expect((await get(s, '/probe?target=4&profile=west')).status).toBe(200);
    expect(s.simulator.callCount({ orderId: 4 })).toBe(1);
  });

  it('answers a followed order with its own profile, whatever profile= says', async () => {
    // West is another DMS: a probe that asked it about order 1 would show there.
    const west = await startSimulator({ scenario: scenarioFromYaml(EAST_WEST_ORDERS) });
    onTestFinished(() => west.close());
    const scenario = scenarioFromYaml(EAST_WEST_ORDERS);
    const s = (stack = await startStack({
      scenario,
      configText: eastWestConfig('${WEST}'),
      env: { WEST: west.endpoint },
    }));
    const { status, text } = await get(s, '/probe?target=1&profile=west');
    expect(status).toBe(200);
    expect(text).toContain(
      'aliyun_dms_datatrack_order_info{order_id="1",name="",profile="east",tid="",source="config"',
    );
    expect(sampleValue(text, 'aliyun_dms_datatrack_up{order_id="1"}')).toBe(1);
    expect([s.simulator.callCount({ orderId: 1 }), west.callCount()]).toEqual([1, 0]);
  });

  it('asks about unknown ids only when allowed, and only as many as allowed', async () => {
    const s = await probeStack(', probe_unknown_orders: 1');
    const four = await get(s, '/probe?target=4');
    expect(sampleValue(four.text, 'aliyun_dms_datatrack_up{order_id="4"}')).toBe(1);
    expect(four.text).toContain('source="probe"');
    // Remembered while it is probed: min_interval (1h) answers the second probe.
    await get(s, '/probe?target=4');
    expect(s.simulator.callCount({ orderId: 4 })).toBe(1);
    const five = await get(s, '/probe?target=5&profile=other');
    expect(five.status).toBe(200);
    // Its profile links tickets to the console: the probed order is linked too.
    expect(five.text).toContain('order_id="5",name="",profile="other",tid="",source="probe"');
    expect(five.text).toContain('console_url="https://dms.example.com/t/5"');
    expect((await get(s, '/probe?target=5&profile=nope')).status).toBe(400);
    // Order 4 was forgotten when 5 came: asking again is a new DMS call.
    await get(s, '/probe?target=4');
    expect(s.simulator.callCount({ orderId: 4 })).toBe(2);
  });

  it("keeps a probed order's answer through a start, a reload and the scrapes that follow them", async () => {
    const s = await probeStack(', probe_unknown_orders: 1');
    // The very first collect of the exporter's orders: min_interval (1h) answers the second probe.
    await get(s, '/probe?target=4');
    await get(s, '/probe?target=4');
    s.setConfigText(CONFIG(', probe_unknown_orders: 1'));
    expect(await s.store.reload()).toEqual({ ok: true, value: undefined });
    await s.scrape(); // the first scrape of the new configuration's orders
    await get(s, '/probe?target=4');
    expect(s.simulator.callCount({ orderId: 4 })).toBe(1);
  });

  it('forgets the least recently probed unknown order first', async () => {
    const s = await probeStack(', probe_unknown_orders: 2', [1, 2, 3, 4, 5, 6]);
    for (const id of [4, 5, 4, 6]) expect((await get(s, `/probe?target=${id}`)).status).toBe(200);
    expect([4, 5, 6].map((orderId) => s.simulator.callCount({ orderId }))).toEqual([1, 1, 1]);
    // Probing 4 again made 5 the least recent: 6 pushed 5 out, and 4 is still answered from memory.
    await get(s, '/probe?target=4');
    await get(s, '/probe?target=5');
    expect([4, 5].map((orderId) => s.simulator.callCount({ orderId }))).toEqual([1, 2]);
  });
});

describe('GET /exporter-metrics', () => {
  it("serves the exporter's own metrics and no order series, without calling DMS", async () => {
    const s = await probeStack();
    const { status, text } = await get(s, '/exporter-metrics');
    expect(status).toBe(200);
    expect(text).toContain('aliyun_dms_datatrack_exporter_build_info{');
    expect(text).not.toContain('aliyun_dms_datatrack_up');
    expect(s.simulator.callCount()).toBe(0);
  });
});
