import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  TEST_KEY,
  familyLines,
  sampleValue,
  scenarioFromYaml,
  scenarioYaml,
  startStack,
  type Stack,
} from '../support/stack.js';
import { GOLDEN_SCRAPE_PATH, startGoldenStack } from '../support/golden.js';
import { PROMETHEUS_2_ACCEPT } from '../support/scrape-headers.js';

const ORDER_FAMILIES = [
  'aliyun_dms_datatrack_up',
  'aliyun_dms_datatrack_stage_completion_ratio',
  'aliyun_dms_datatrack_job_status',
  'aliyun_dms_datatrack_last_success_timestamp_seconds',
  'aliyun_dms_datatrack_order_info',
  'aliyun_dms_datatrack_order_error_info',
  // Empty in one scrape: a job's times are known only once the exporter has seen it change.
  'aliyun_dms_datatrack_job_status_since_timestamp_seconds',
  'aliyun_dms_datatrack_job_started_timestamp_seconds',
  'aliyun_dms_datatrack_stage_duration_seconds',
  'aliyun_dms_datatrack_job_duration_seconds',
];

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

function simpleScenario(orders: string, extra = ''): string {
  return scenarioYaml(orders, { extra });
}

const SIMPLE_CONFIG = (orders: string, scrape = ''): string => `profiles:
  default: { endpoint: '\${SIM}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '\${AK_SECRET}' }
${scrape}orders:
${orders}`;

describe('GET /metrics against the simulator', () => {
  it('matches the golden text for a fixed scenario (every state, every failure kind)', async () => {
    stack = await startGoldenStack();
    const { status, text } = await stack.scrape();
    expect(status).toBe(200);
    const actual = `${familyLines(text, ORDER_FAMILIES)}\n`;
    if (process.env.UPDATE_GOLDEN === '1') await writeFile(GOLDEN_SCRAPE_PATH, actual);
    expect(actual).toBe(await readFile(GOLDEN_SCRAPE_PATH, 'utf8'));
  });

  it('counts each failed call by its code and logs why, without the secret', async () => {
    stack = await startGoldenStack();
    const { text } = await stack.scrape();
    const errors = (code: string) =>
      sampleValue(
        text,
        `aliyun_dms_datatrack_api_request_errors_total{action="GetDataTrackJobDegree",code="${code}"}`,
      );
    expect(errors('SignatureDoesNotMatch')).toBe(1);
    // A throttled call is made once more after a pause; a signature error never is.
    expect(errors('Throttling.User')).toBe(2);
    expect(errors('malformed_response')).toBe(2);
    expect(errors('UnknownError')).toBe(1);
    expect(sampleValue(text, 'aliyun_dms_datatrack_api_requests_total{action="GetDataTrackJobDegree"}')).toBe(
      13,
    );
    expect(
      sampleValue(
        text,
        'aliyun_dms_datatrack_api_retries_total{action="GetDataTrackJobDegree",code="Throttling.User"}',
      ),
    ).toBe(1);
    await stack.scrape();
    const unknownStatus = stack.logs.filter((l) => l.job_status === 'PAUSED');
    expect(unknownStatus).toHaveLength(1); // logged once per order, not once per scrape
    expect(unknownStatus[0]).toMatchObject({ level: 'warn', order_id: 107 });
    const warning = stack.logs.find((l) => l.order_id === 111);
    expect(warning).toMatchObject({
      level: 'warn',
      code: 'SignatureDoesNotMatch',
      msg: 'cannot read order from DMS',
    });
    for (const output of [text, ...stack.rawLogs]) {
      expect(output).not.toContain(TEST_KEY.accessKeySecret);
      expect(output).not.toContain('not-the-secret');
    }
  });

  it('serves OpenMetrics when Prometheus asks for it', async () => {
    stack = await startGoldenStack();
    const { contentType, text } = await stack.scrape({ Accept: PROMETHEUS_2_ACCEPT });
    expect(contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toContain('aliyun_dms_datatrack_up{order_id="104"} 1');
    expect(text).toContain('# TYPE aliyun_dms_datatrack_api_requests counter');
    expect(text).toContain('aliyun_dms_datatrack_api_requests_total{action="GetDataTrackJobDegree"} 13');
    // prom-client renames counters in place for OpenMetrics; the text format must not notice.
    const after = await stack.scrape();
    expect(after.text).toContain('# TYPE aliyun_dms_datatrack_api_requests_total counter');
    expect(after.text).toContain('# TYPE process_cpu_seconds_total counter');
  });

  it('costs one DMS call per order however many scrapes run at once', async () => {
    const orders = [1, 2, 3].map(
      (id) => `  - { id: ${id}, list: 60s, download: 60s, filter: 60s, fault: { kind: slow, delay: 1s } }`,
    );
    stack = await startStack({
      scenario: scenarioFromYaml(simpleScenario(orders.join('\n'))),
      configText: SIMPLE_CONFIG('  - id: 1\n  - id: 2\n  - id: 3\n'),
    });
    const scrapes = await Promise.all(Array.from({ length: 6 }, () => stack!.scrape()));
    expect(scrapes.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 200]);
    for (const s of scrapes) expect(sampleValue(s.text, 'aliyun_dms_datatrack_up{order_id="2"}')).toBe(1);
    expect(stack.simulator.callCount({ action: 'GetDataTrackJobDegree' })).toBe(3);
    const last = (await stack.scrape()).text;
    expect(sampleValue(last, 'aliyun_dms_datatrack_answers_reused_total{reason="in_flight"}')).toBe(15);
  });

  it('answers a final-state job from memory until terminal_recheck passes', async () => {
    const scenario = scenarioFromYaml(
      simpleScenario('  - { id: 7, list: 1s, pause: 0s, download: 1s, filter: 1s }'),
    );
    stack = await startStack({
      scenario,
      elapsedMs: () => 60_000,
      configText: SIMPLE_CONFIG('  - id: 7\n'),
    });
    await stack.scrape();
    const second = await stack.scrape();
    expect(
      sampleValue(second.text, 'aliyun_dms_datatrack_job_status{order_id="7",status="FILTER_SUCCESS"}'),
    ).toBe(1);
    expect(stack.simulator.callCount({ orderId: 7 })).toBe(1);
    expect(
      sampleValue(second.text, 'aliyun_dms_datatrack_answers_reused_total{reason="terminal_cache"}'),
    ).toBe(1);

    stack.setConfigText(SIMPLE_CONFIG('  - id: 7\n', 'scrape: { terminal_recheck: 0s, min_interval: 0s }\n'));
    expect(await stack.store.reload()).toEqual({ ok: true });
    await stack.scrape();
    expect(stack.simulator.callCount({ orderId: 7 })).toBe(2);
  });

  // scrape.timeout is an hour and the slow order answers in 10 minutes: within the test's 10 s, only
  // the header's 1.5 s (less the 0.5 s offset) can end the scrape.
  it(
    'gives up on slow orders at the deadline from Prometheus, marking only them failed',
    { timeout: 10_000 },
    async () => {
      const scenario = scenarioFromYaml(
        simpleScenario(
          '  - { id: 1, list: 60s, download: 60s, filter: 60s }\n  - { id: 2, list: 60s, download: 60s, filter: 60s, fault: { kind: slow, delay: 10m } }\n',
        ),
      );
      stack = await startStack({
        scenario,
        configText: SIMPLE_CONFIG('  - id: 1\n  - id: 2\n', 'scrape: { timeout: 1h }\n'),
      });
      const { status, text } = await stack.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': '1.5' });
      expect(status).toBe(200);
      expect(sampleValue(text, 'aliyun_dms_datatrack_up{order_id="1"}')).toBe(1);
      expect(sampleValue(text, 'aliyun_dms_datatrack_up{order_id="2"}')).toBe(0);
      expect(sampleValue(text, 'aliyun_dms_datatrack_order_error_info{order_id="2",code="timeout"}')).toBe(1);
      expect(sampleValue(text, 'aliyun_dms_datatrack_scrape_timeout_seconds')).toBe(1);
      expect(text).not.toContain('aliyun_dms_datatrack_job_status{order_id="2"');
    },
  );

  it('drops a removed order at once on reload, and keeps the old config when a reload is bad', async () => {
    const scenario = scenarioFromYaml(
      simpleScenario(
        '  - { id: 1, list: 60s, download: 60s, filter: 60s }\n  - { id: 2, list: 60s, download: 60s, filter: 60s }\n',
      ),
    );
    stack = await startStack({
      scenario,
      configText: SIMPLE_CONFIG('  - id: 1\n  - id: 2\n'),
      enableLifecycle: true,
    });
    expect((await stack.scrape()).text).toContain('aliyun_dms_datatrack_up{order_id="2"} 1');

    stack.setConfigText(SIMPLE_CONFIG('  - id: 1\n'));
    expect(await stack.store.reload()).toEqual({ ok: true });
    let text = (await stack.scrape()).text;
    expect(text).not.toContain('order_id="2"');
    expect(sampleValue(text, 'aliyun_dms_datatrack_config_last_reload_successful')).toBe(1);

    stack.setConfigText(SIMPLE_CONFIG('  - id: -1\n'));
    const failed = await stack.store.reload();
    expect(failed.ok).toBe(false);
    const response = await fetch(`${stack.url}/-/reload`, { method: 'POST' });
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(
      /^Failed to reload config, keeping the previous one:\nconfig\.yaml:\d+: orders\[0\]\.id: /,
    );
    text = (await stack.scrape()).text;
    expect(text).toContain('aliyun_dms_datatrack_up{order_id="1"} 1');
    expect(sampleValue(text, 'aliyun_dms_datatrack_config_last_reload_successful')).toBe(0);
  });
});

describe('HTTP surface', () => {
  it('answers health, readiness, 404, 405 and a bad scrape-timeout header', async () => {
    stack = await startGoldenStack();
    const get = (path: string, init?: RequestInit) => fetch(`${stack!.url}${path}`, init);
    expect((await get('/-/healthy')).status).toBe(200);
    expect((await get('/-/ready')).status).toBe(200);
    expect(stack.simulator.callCount()).toBe(0);
    expect((await get('/nope')).status).toBe(404);
    const wrongMethod = await get('/metrics', { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('GET');
    const bad = await stack.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': 'soon' });
    expect(bad).toMatchObject({
      status: 400,
      text: 'invalid X-Prometheus-Scrape-Timeout-Seconds header "soon": send a positive number of seconds such as 10 or 9.5, or leave the header out for scrape.timeout\n',
    });
  });

  it('lists the orders with their last known state on the landing page, without calling DMS', async () => {
    stack = await startGoldenStack();
    const before = await (await fetch(`${stack.url}/`)).text();
    expect(before).toContain(
      '<td class="id">105<div class="sub">config</div></td><td><div class="name clip" title="download-failed">download-failed</div></td>',
    );
    expect(before).toContain('data-status="waiting for the first scrape"');
    expect(stack.simulator.callCount()).toBe(0);
    await stack.scrape();
    const page = await (await fetch(`${stack.url}/`)).text();
    expect(page).toContain('data-status="DOWNLOAD_FAIL"');
    expect(page).toContain('data-status="FILTER_SUCCESS"');
    expect(page).toContain('aria-valuenow="50"');
    expect(page).toContain(
      'no valid answer yet</span><br><span class="fail error">last call failed: SignatureDoesNotMatch</span>',
    );
    expect(page).not.toContain(TEST_KEY.accessKeySecret);
  });
});
