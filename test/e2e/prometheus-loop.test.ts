/**
 * The whole monitoring loop with the real programs: simulator -> exporter (the built CLI) ->
 * Prometheus (scraping, evaluating the shipped alert rules with shortened durations) ->
 * Alertmanager -> a webhook receiver; plus every dashboard query evaluated against that Prometheus.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from 'dms-simulator';
import { listDashboardQueries, substituteGrafanaVariables } from '../support/dashboard-queries.js';
import { lintMetrics } from '../support/promtool.js';
import { serveExporter, startProgram, type Program, type Serving } from '../support/process.js';
import {
  freePort,
  promQuery,
  startWebhookReceiver,
  waitFor,
  type WebhookAlert,
} from '../support/services.js';
import { scenarioFromYaml } from '../support/stack.js';

const JOB = 'dms-datatrack';
const cleanups: Array<() => Promise<unknown>> = [];
let dir = '';
let simulator: RunningSimulator;
let exporter: Serving;
let prometheusUrl = '';
let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
const services: Program[] = [];

/** The shipped rules with every duration cut to seconds, so alerts fire within a test's time. */
export function shortenRuleDurations(rules: string): string {
  return rules
    .replace(/\bfor: \d+[smhd]\b/g, 'for: 3s')
    .replace(/\[\d+[smhd]\]/g, '[10s]')
    .replace(/\boffset \d+[smhd]\b/g, 'offset 10s');
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

  const configFile = join(dir, 'config.yaml');
  await writeFile(
    configFile,
    `profiles:
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
# Prometheus scrapes every second here: each scrape must ask DMS, as one a minute would.
scrape: { min_interval: 0s }
orders:
  - { id: 501, name: refunds-rollback }
  - { id: 502, name: audit-trail }
  - { id: 503, name: nightly-check }
  - { id: 504, name: done-already }
  - { id: 505, name: wrong-key, profile: wrong }
`,
  );
  await writeFile(join(dir, 'secret'), 'e2e-secret-4sJx8Lq\n');
  exporter = await serveExporter([`--config.file=${configFile}`]);
  cleanups.push(() => exporter.stop());
  const exporterTarget = exporter.url.replace('http://', '');

  webhook = await startWebhookReceiver();
  cleanups.push(() => webhook.stop());

  const alertmanagerPort = await freePort();
  await writeFile(
    join(dir, 'alertmanager.yml'),
    `route: { receiver: hook, group_by: [alertname, order_id], group_wait: 1s, group_interval: 1s, repeat_interval: 1h }
receivers:
  - name: hook
    webhook_configs: [{ url: '${webhook.url}', send_resolved: false }]
`,
  );
  const alertmanager = startProgram('alertmanager', 'prometheus-alertmanager', [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'am-data')}`,
    `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
    '--cluster.listen-address=',
  ]);
  services.push(alertmanager);
  cleanups.push(() => alertmanager.stop());

  const rules = shortenRuleDurations(await readFile('prometheus/alerts.yml', 'utf8'));
  await writeFile(join(dir, 'alerts.yml'), rules);
  const prometheusPort = await freePort();
  await writeFile(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }
rule_files: [alerts.yml]
alerting:
  alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:${alertmanagerPort}'] }] }]
scrape_configs:
  - job_name: ${JOB}
    static_configs: [{ targets: ['${exporterTarget}'] }]
`,
  );
  const prometheus = startProgram('prometheus', 'prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'prom-data')}`,
    `--web.listen-address=127.0.0.1:${prometheusPort}`,
  ]);
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
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

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
    // Two scrapes at least, so rate() and increase() have samples to work with.
    await waitFor(
      'a few scrapes',
      async () => {
        const expr = 'count_over_time(aliyun_dms_datatrack_scrape_duration_seconds[1m]) >= 4';
        return (await promQuery(prometheusUrl, expr)).length > 0 ? true : undefined;
      },
      30_000,
    );
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
  });

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
    const quiet = webhook.alerts.filter((a) => ['503', '504', '602'].includes(a.labels.order_id ?? ''));
    expect(quiet).toEqual([]);
    const waiting = webhook.alerts.filter((a) => a.labels.order_id === '601').map((a) => a.labels.alertname);
    expect(new Set(waiting)).toEqual(new Set(['DmsDataTrackTicketAwaitingApproval']));
    expect(webhook.alerts.filter((a) => a.labels.profile === 'tickets' && !a.labels.order_id)).toEqual([]);
  }, 150_000);
});
