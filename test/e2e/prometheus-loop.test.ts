/**
 * The whole monitoring loop with the real programs: simulator -> exporter ->
 * Prometheus (scraping, evaluating the shipped alert and recording rules with shortened durations)
 * -> two Alertmanagers: one delivering everything to a webhook receiver, one with the shipped
 * routing (prometheus/alertmanager.yml) delivering to webhook paths and a WeCom stand-in; plus every
 * dashboard query evaluated against that Prometheus. The simulators and the exporter run in this
 * process (the exporter built as main.ts builds it, scraped over real HTTP): what is tested is the
 * shipped rules, routing and dashboard with the real Prometheus and Alertmanager; the built CLI is
 * tested in test/main.test.ts.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startSimulator, type RunningSimulator } from 'dms-simulator';
import { listDashboardQueries, substituteGrafanaVariables } from '../support/dashboard-queries.js';
import { lintMetrics } from '../support/promtool.js';
import { startGoServer, type Program } from '../support/process.js';
import {
  promQuery,
  startWeComStub,
  startWebhookReceiver,
  waitFor,
  type WebhookAlert,
} from '../support/services.js';
import {
  scenarioFromYaml,
  startExporter,
  type InProcessOptions,
  type InProcessExporter,
} from '../support/stack.js';

const JOB = 'dms-datatrack';
const cleanups: Array<() => Promise<unknown>> = [];
let dir = '';
let simulator: RunningSimulator;
let timed: RunningSimulator;
let exporter: InProcessExporter;
let exporterOptions: InProcessOptions;
let prometheusUrl = '';
let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
let routed: Awaited<ReturnType<typeof startWebhookReceiver>>;
let wecom: Awaited<ReturnType<typeof startWeComStub>>;
const services: Program[] = [];

/** The shipped rules with every duration cut to seconds, so alerts fire within a test's time. */
export function shortenRuleDurations(rules: string): string {
  return rules
    .replace(/\bfor: \d+[smhd]\b/g, 'for: 3s')
    .replace(/\[\d+[smhd]\]/g, '[10s]')
    .replace(/\boffset \d+[smhd]\b/g, 'offset 10s');
}

/**
 * As shortenRuleDurations, but "results ready" stays active 60 s after a job's last unfinished
 * answer, across gaps up to 30 s: long enough to restart the exporter inside its window.
 */
function loopAlertRules(rules: string): string {
  const ready = rules
    .replaceAll('status="FILTER_SUCCESS"}[10m]', 'status="FILTER_SUCCESS"}[GAP]')
    .replaceAll('status="FILTER_SUCCESS"}[30m]', 'status="FILTER_SUCCESS"}[WINDOW]')
    .replaceAll('aliyun_dms_datatrack_order_info[10m]', 'aliyun_dms_datatrack_order_info[GAP]');
  return shortenRuleDurations(ready).replaceAll('[GAP]', '[30s]').replaceAll('[WINDOW]', '[60s]');
}

/** The recording rules with the estimates' 30-minute window cut to 10 s; the 7-day baselines stay. */
function loopRecordingRules(rules: string): string {
  return rules.replaceAll('[30m]', '[10s]');
}

/**
 * prometheus/alertmanager.yml as shipped, with its receivers pointed at the test's services: each
 * webhook at `${base}/<receiver name>`, WeCom at the stand-in, and the waits cut to a second.
 */
function shippedAlertmanager(text: string, base: string, wecomApiUrl: string): string {
  interface Route {
    group_wait?: string;
    group_interval?: string;
    routes?: Route[];
  }
  const config = parse(text) as {
    global: Record<string, string>;
    route: Route;
    receivers: Array<{ name: string; webhook_configs?: Array<{ url: string }> }>;
  };
  config.global.wechat_api_url = wecomApiUrl;
  const quick = (route: Route): void => {
    if (route.group_wait !== undefined) route.group_wait = '1s';
    if (route.group_interval !== undefined) route.group_interval = '1s';
    route.routes?.forEach(quick);
  };
  quick(config.route);
  for (const receiver of config.receivers)
    for (const hook of receiver.webhook_configs ?? []) hook.url = `${base}/${receiver.name}`;
  return stringify(config);
}

/** Starts an Alertmanager on loopback with `config` in `name`.yml under the test's directory. */
async function startAlertmanager(name: string, config: string): Promise<number> {
  await writeFile(join(dir, `${name}.yml`), config);
  const { program, port } = await startGoServer(name, 'prometheus-alertmanager', (listenPort) => [
    `--config.file=${join(dir, `${name}.yml`)}`,
    `--storage.path=${join(dir, `${name}-data`)}`,
    `--web.listen-address=127.0.0.1:${listenPort}`,
    '--cluster.listen-address=',
  ]);
  services.push(program);
  cleanups.push(() => program.stop());
  return port;
}

function diagnostics(): string {
  return services.map((s) => `--- ${s.name}\n${s.output().slice(-3000)}`).join('\n');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dms-e2e-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));

  const scenario = scenarioFromYaml(await readFile('test/e2e/scenario.yaml', 'utf8'));
  simulator = await startSimulator({ scenario });
  cleanups.push(() => simulator.close());
  // The `timed` profile's timeline stands still at 0 (every job in INIT) until Prometheus scrapes.
  const timedClock: { since?: number } = {};
  timed = await startSimulator({
    scenario: scenarioFromYaml(await readFile('test/e2e/timed-scenario.yaml', 'utf8')),
    elapsedMs: () => (timedClock.since === undefined ? 0 : Date.now() - timedClock.since),
  });
  cleanups.push(() => timed.close());

  const configText = `profiles:
  default: { endpoint: ${simulator.endpoint}, protocol: http, access_key_id: LTAIe2eKeyId0001, access_key_secret_file: secret }
  # Finds tickets 601 (waiting for approval), 602 (processing) and 603 (its job fails) by itself.
  tickets:
    endpoint: ${simulator.endpoint}
    protocol: http
    access_key_id: LTAIe2eKeyId0001
    access_key_secret_file: secret
    discovery: { enabled: true, interval: 10s }
  # Its discovery never succeeds (and its order 505 is unreadable): the discovery alert's "never
  # succeeded since start" case, and data for the discovery error panel.
  wrong:
    endpoint: ${simulator.endpoint}
    protocol: http
    access_key_id: LTAIe2eKeyId0001
    access_key_secret: wrong-secret
    discovery: { enabled: true, interval: 10s }
  # Jobs that start once Prometheus scrapes (the timed simulator): 604 and 605 by discovery, 506 here.
  timed:
    endpoint: ${timed.endpoint}
    protocol: http
    access_key_id: LTAIe2eKeyId0001
    access_key_secret_file: secret
    discovery: { enabled: true, interval: 10s }
    console_url: https://dms.example.com/ticket/{order_id}
# Prometheus scrapes every second here: each scrape must ask DMS, as one a minute would.
scrape: { min_interval: 0s }
orders:
  - { id: 501, name: refunds-rollback }
  - { id: 502, name: audit-trail }
  - { id: 503, name: nightly-check }
  - { id: 504, name: done-already }
  - { id: 505, name: wrong-key, profile: wrong }
  - { id: 506, name: results-config, profile: timed }
`;
  await writeFile(join(dir, 'secret'), 'e2e-secret-4sJx8Lq\n');
  exporter = await startExporter({ configText, baseDir: dir });
  cleanups.push(() => exporter.close());
  const exporterTarget = exporter.url.replace('http://', '');
  // A restart must come back where Prometheus scrapes.
  const port = Number(exporterTarget.split(':').pop());
  exporterOptions = { configText, baseDir: dir, address: { host: '127.0.0.1', port } };

  webhook = await startWebhookReceiver();
  cleanups.push(() => webhook.stop());
  routed = await startWebhookReceiver();
  cleanups.push(() => routed.stop());
  wecom = await startWeComStub();
  cleanups.push(() => wecom.stop());

  const alertmanagerPort = await startAlertmanager(
    'alertmanager',
    `route: { receiver: hook, group_by: [alertname, order_id], group_wait: 1s, group_interval: 1s, repeat_interval: 1h }
receivers:
  - name: hook
    webhook_configs: [{ url: '${webhook.url}', send_resolved: false }]
`,
  );
  // The shipped routing, with its template beside it.
  await copyFile('prometheus/alertmanager.tmpl', join(dir, 'alertmanager.tmpl'));
  const shippedPort = await startAlertmanager(
    'shipped-alertmanager',
    shippedAlertmanager(await readFile('prometheus/alertmanager.yml', 'utf8'), routed.base, wecom.apiUrl),
  );

  await writeFile(join(dir, 'alerts.yml'), loopAlertRules(await readFile('prometheus/alerts.yml', 'utf8')));
  await writeFile(join(dir, 'rules.yml'), loopRecordingRules(await readFile('prometheus/rules.yml', 'utf8')));
  await writeFile(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }
rule_files: [alerts.yml, rules.yml]
alerting:
  alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:${alertmanagerPort}', '127.0.0.1:${shippedPort}'] }] }]
scrape_configs:
  - job_name: ${JOB}
    static_configs: [{ targets: ['${exporterTarget}'] }]
`,
  );
  const { program: prometheus, port: prometheusPort } = await startGoServer(
    'prometheus',
    'prometheus',
    (port) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prom-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
  );
  services.push(prometheus);
  cleanups.push(() => prometheus.stop());
  prometheusUrl = `http://127.0.0.1:${prometheusPort}`;

  await waitFor(
    'Prometheus to scrape the exporter successfully',
    async () => {
      const response = await fetch(`${prometheusUrl}/api/v1/targets`);
      const body = (await response.json()) as { data: { activeTargets: Array<{ health: string }> } };
      return body.data.activeTargets.some((t) => t.health === 'up') ? true : undefined;
    },
    30_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${diagnostics()}`);
  });
  timedClock.since = Date.now();
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** An alert of a rule as Prometheus' rules API shows it. */
interface RuleAlert {
  readonly labels: Record<string, string>;
  readonly state: string;
  readonly activeAt: string;
}

/** DmsDataTrackResultsReady as Prometheus evaluates it: its last evaluation and its alerts. */
async function readyRule(): Promise<{ lastEvaluation: string; alerts: RuleAlert[] }> {
  const response = await fetch(`${prometheusUrl}/api/v1/rules?type=alert`);
  const body = (await response.json()) as {
    data: { groups: Array<{ rules: Array<{ name: string; lastEvaluation: string; alerts: RuleAlert[] }> }> };
  };
  const rule = body.data.groups.flatMap((g) => g.rules).find((r) => r.name === 'DmsDataTrackResultsReady');
  if (rule === undefined) throw new Error('Prometheus has no rule DmsDataTrackResultsReady');
  return rule;
}

async function readyAlertOf(orderId: string): Promise<RuleAlert | undefined> {
  return (await readyRule()).alerts.find((a) => a.labels.order_id === orderId);
}

function alertFor(name: string, orderId: string): (alert: WebhookAlert) => boolean {
  return (a) => a.labels.alertname === name && a.labels.order_id === orderId;
}

describe('exporter scraped by a real Prometheus, alerts through a real Alertmanager', () => {
  it('is scraped as up, and its live output passes promtool check metrics', async () => {
    expect(await promQuery(prometheusUrl, `up{job="${JOB}"} == 1`)).toHaveLength(1);
    const text = await (await fetch(`${exporter.url}/metrics`)).text();
    const lint = lintMetrics(text);
    expect(lint.problems).toEqual([]);
    expect([0, 3]).toContain(lint.status);
  });

  it('returns data for every dashboard query and variable', async () => {
    // Two scrapes at least, so rate() and increase() have samples to work with; and the timed jobs
    // far enough for every estimate and baseline: 604 finished (the baselines), 605 listing.
    for (const expr of [
      'count_over_time(aliyun_dms_datatrack_scrape_duration_seconds[1m]) >= 4',
      'order:aliyun_dms_datatrack_job_remaining_seconds:estimate{order_id="605"}',
      'order:aliyun_dms_datatrack_job_elapsed_seconds:ratio_to_mean7d{order_id="605"}',
      'database:aliyun_dms_datatrack_job_duration_seconds:mean',
    ]) {
      await waitFor(
        expr,
        async () => ((await promQuery(prometheusUrl, expr)).length > 0 ? true : undefined),
        30_000,
        100,
      );
    }
    const dashboard = JSON.parse(await readFile('grafana/dms-data-tracking.json', 'utf8')) as unknown;
    const queries = listDashboardQueries(dashboard);
    expect(queries.length).toBeGreaterThan(8);
    const values = {
      datasource: 'prometheus',
      job: JOB,
      instance: '.*',
      order_id: '.*',
      __rate_interval: '30s',
    };
    const empty: string[] = [];
    for (const query of queries) {
      const expr = substituteGrafanaVariables(query.expr, values);
      const result = await promQuery(prometheusUrl, expr);
      if (result.length === 0) empty.push(`${query.source}: ${expr}`);
    }
    expect(empty).toEqual([]);
  }, 90_000);

  it('shows discovered tickets in the status table with their ticket state and committer', async () => {
    const dashboard = JSON.parse(await readFile('grafana/dms-data-tracking.json', 'utf8')) as unknown;
    const statusQuery = listDashboardQueries(dashboard).find(
      (q) => q.source === 'panel "Current status" (A)',
    );
    const values = { job: JOB, instance: '.*', order_id: '.*' };
    const rows = await waitFor(
      'the three discovered tickets in the status table',
      async () => {
        const result = await promQuery(
          prometheusUrl,
          substituteGrafanaVariables(statusQuery?.expr ?? '', values),
        );
        const byOrder = new Map(result.map((r) => [r.metric.order_id, r.metric]));
        return ['601', '602', '603'].every((id) => byOrder.has(id)) ? byOrder : undefined;
      },
      30_000,
    );
    expect(rows.get('601')).toMatchObject({ status: 'NO_JOB', ticket: 'toaudit', committer: 'carol' });
    expect(rows.get('602')).toMatchObject({ status: 'LISTING', ticket: 'processing', source: 'discovery' });
    expect(rows.get('603')).toMatchObject({ committer: 'alice', comment: 'audit user deletes' });
    // A configured order has no ticket state and no committer (empty labels are dropped).
    expect(rows.get('503')).toMatchObject({ status: 'LISTING', name: 'nightly-check', source: 'config' });
    expect(rows.get('503')).not.toHaveProperty('ticket');
    expect(rows.get('503')).not.toHaveProperty('committer');
  });

  it('pages for a failed job, naming the order and its display name', async () => {
    const alert = await waitFor(
      'the failed-job alert at the webhook',
      () => Promise.resolve(webhook.alerts.find(alertFor('DmsDataTrackJobFailed', '501'))),
      45_000,
    );
    expect(alert.labels).toMatchObject({
      severity: 'critical',
      status: 'DOWNLOAD_FAIL',
      name: 'refunds-rollback',
    });
    expect(alert.annotations.summary).toContain('501');
    expect(alert.annotations.summary).toContain('refunds-rollback');
    // A discovered ticket's page says who committed it.
    const ticket = await waitFor(
      'the failed-job alert of discovered ticket 603',
      () => Promise.resolve(webhook.alerts.find(alertFor('DmsDataTrackJobFailed', '603'))),
      30_000,
    );
    expect(ticket.labels).toMatchObject({
      committer: 'alice',
      comment: 'audit user deletes',
      profile: 'tickets',
    });
    expect(ticket.annotations.summary).toContain('committed by alice');
  }, 90_000);

  it('warns about a ticket waiting for approval, naming its committer', async () => {
    const alert = await waitFor(
      'the awaiting-approval alert at the webhook',
      () => Promise.resolve(webhook.alerts.find(alertFor('DmsDataTrackTicketAwaitingApproval', '601'))),
      45_000,
    );
    expect(alert.labels).toMatchObject({
      severity: 'warning',
      status: 'toaudit',
      committer: 'carol',
      comment: 'roll back the price import',
      profile: 'tickets',
    });
    expect(alert.annotations.summary).toContain('committed by carol');
  }, 60_000);

  it('warns about ticket discovery that never succeeded, per profile', async () => {
    const alert = await waitFor(
      'the discovery-failing alert at the webhook',
      () =>
        Promise.resolve(
          webhook.alerts.find((a) => a.labels.alertname === 'DmsDataTrackTicketDiscoveryFailing'),
        ),
      45_000,
    );
    expect(alert.labels).toMatchObject({ severity: 'warning', profile: 'wrong' });
    expect(alert.annotations.description).toContain('no run has succeeded since the exporter started');
    expect(alert.annotations.description).toContain('SignatureDoesNotMatch');
  }, 60_000);

  it('warns about a stalled job and about an order it cannot read, and about the auth error', async () => {
    const stalled = await waitFor(
      'the stalled-job alert at the webhook',
      () => Promise.resolve(webhook.alerts.find(alertFor('DmsDataTrackJobStalled', '502'))),
      60_000,
    );
    expect(stalled.labels).toMatchObject({ status: 'DOWNLOADING', name: 'audit-trail' });
    const unreadable = await waitFor(
      'the unreadable-order alert',
      () => Promise.resolve(webhook.alerts.find(alertFor('DmsDataTrackOrderUnreadable', '505'))),
      30_000,
    );
    expect(unreadable.labels.name).toBe('wrong-key');
    await waitFor(
      'the authentication alert',
      () => Promise.resolve(webhook.alerts.find((a) => a.labels.alertname === 'DmsDataTrackApiAuthFailed')),
      30_000,
    );
    // Jobs that run or finished normally never page; a ticket waiting for approval raises only its
    // own alert; a profile whose discovery works raises none.
    const quiet = webhook.alerts.filter((a) =>
      ['503', '504', '602', '605'].includes(a.labels.order_id ?? ''),
    );
    expect(quiet).toEqual([]);
    const waiting = webhook.alerts.filter((a) => a.labels.order_id === '601').map((a) => a.labels.alertname);
    expect(new Set(waiting)).toEqual(new Set(['DmsDataTrackTicketAwaitingApproval']));
    expect(webhook.alerts.filter((a) => a.labels.profile === 'tickets' && !a.labels.order_id)).toEqual([]);
  }, 150_000);

  it('tells the committer once that the results are ready, and not again after the exporter restarts', async () => {
    const readyFor = (id: string) => (a: WebhookAlert) =>
      a.labels.alertname === 'DmsDataTrackResultsReady' && a.labels.order_id === id;
    const ready = await waitFor(
      'results ready for ticket 604 at the webhook',
      () => Promise.resolve(webhook.alerts.find(readyFor('604'))),
      30_000,
      100,
    );
    expect(ready.labels).toMatchObject({
      severity: 'info',
      status: 'FILTER_SUCCESS',
      profile: 'timed',
      committer: 'erin',
      comment: 'who changed prices',
      database: 'shop@10.0.0.13:3306',
      console_url: 'https://dms.example.com/ticket/604',
    });
    expect(ready.annotations.summary).toBe(
      'Results ready: DMS data-tracking order 604 finished (committed by erin)',
    );
    expect(ready.annotations.description).toContain('Ticket: https://dms.example.com/ticket/604');

    const before = await readyAlertOf('604');
    expect(before?.state).toBe('firing');

    // Restart the exporter inside the alert's window, where Prometheus scrapes it: a new one, built
    // as main.ts builds it, starts with no memory, and its first answers for 604 are FILTER_SUCCESS
    // again. (Its config load time tells it apart: process_start_time_seconds is this process'.)
    await exporter.close();
    const restartingAt = Date.now() / 1000;
    exporter = await startExporter(exporterOptions);
    await waitFor(
      'Prometheus to scrape the restarted exporter, ticket 604 found again',
      async () => {
        const expr = `aliyun_dms_datatrack_job_status{order_id="604",status="FILTER_SUCCESS"} == 1 and on (instance) (aliyun_dms_datatrack_config_last_reload_success_timestamp_seconds > ${restartingAt})`;
        return (await promQuery(prometheusUrl, expr)).length > 0 ? true : undefined;
      },
      30_000,
      100,
    );
    // The rule evaluated on the restarted exporter's answers still has the alert that fired before
    // the restart (same activeAt): it never resolved, so there was nothing to notify again.
    const seenMs = Date.now();
    await waitFor(
      'an evaluation of the results-ready rule after the restart',
      async () => (Date.parse((await readyRule()).lastEvaluation) > seenMs ? true : undefined),
      10_000,
      100,
    );
    // (Its description may change: the restarted exporter has not measured the job's duration.)
    expect(await readyAlertOf('604')).toMatchObject({
      labels: before?.labels,
      state: 'firing',
      activeAt: before?.activeAt,
    });

    // Once per finished job at the webhook: 604 (a discovered ticket) and 506 (written in the config).
    await waitFor(
      'results ready for order 506 at the webhook',
      () => Promise.resolve(webhook.alerts.find(readyFor('506'))),
      10_000,
      100,
    );
    expect(webhook.alerts.filter(readyFor('604'))).toHaveLength(1);
    expect(webhook.alerts.filter(readyFor('506'))).toHaveLength(1);
    // The shipped routing: to the committer (WeCom and the adapter webhook), and the team channel.
    const chat = () => routed.notifications.filter((n) => n.path === '/chat').flatMap((n) => n.alerts);
    await waitFor(
      'results ready through the shipped routing: WeCom to erin, the team channel for 604 and 506',
      () =>
        Promise.resolve(
          wecom.messages.some((m) => m.text?.content.includes('order 604 finished')) &&
            ['604', '506'].every((id) => chat().some(readyFor(id)))
            ? true
            : undefined,
        ),
      10_000,
      100,
    );
    const committer = routed.notifications.filter(
      (n) => n.path === '/committer' && n.alerts.some(readyFor('604')),
    );
    expect(committer).toHaveLength(1);
    expect(committer[0]?.groupLabels).toEqual({
      committer: 'erin',
      alertname: 'DmsDataTrackResultsReady',
      order_id: '604',
    });
    const messages = wecom.messages.filter((m) => m.text?.content.includes('order 604 finished'));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ touser: 'erin', agentid: '1000002', msgtype: 'text' });
    expect(messages[0]?.text?.content).toContain('Database: shop@10.0.0.13:3306.');
    expect(chat().filter(readyFor('604'))).toHaveLength(1);
    expect(chat().filter(readyFor('506'))).toHaveLength(1);
    // A failure reaches its committer too, and still pages.
    await waitFor(
      "ticket 603's failure in WeCom to alice, and at the pager",
      () =>
        Promise.resolve(
          wecom.messages.some((m) => m.touser === 'alice' && m.text?.content.includes('order 603 failed')) &&
            routed.notifications.some(
              (n) => n.path === '/pager' && n.alerts.some((a) => a.labels.order_id === '603'),
            )
            ? true
            : undefined,
        ),
      30_000,
    );
    // 506 has no committer: nothing for a person.
    expect(
      routed.notifications.filter((n) => n.path === '/committer' && n.alerts.some(readyFor('506'))),
    ).toEqual([]);
    // The finished jobs raised nothing else.
    const finished = webhook.alerts.filter((a) => ['506', '604'].includes(a.labels.order_id ?? ''));
    expect(finished.map((a) => a.labels.alertname)).toEqual([
      'DmsDataTrackResultsReady',
      'DmsDataTrackResultsReady',
    ]);
  }, 90_000);
});
