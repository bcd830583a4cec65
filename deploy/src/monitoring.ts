/**
 * The Prometheus Operator objects and the Grafana dashboard ConfigMap, each built from the file that
 * is already the source of truth: prometheus/rules.yml and prometheus/alerts.yml (rules),
 * prometheus/prometheus.yml (scrape interval and timeout of the `dms-datatrack` job),
 * grafana/dms-data-tracking.json (dashboard).
 */
import { readFileSync } from 'node:fs';
import { ConfigMap } from 'kubernetes-models/v1';
import {
  PrometheusRule,
  ServiceMonitor,
  type IPrometheusRule,
  type IServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { parse } from 'yaml';
import {
  APP,
  GRAFANA_DASHBOARD_LABEL,
  JOB_LABEL,
  LABELS,
  METRICS_PORT_NAME,
  NAMES,
  SCRAPE_JOB,
  SELECTOR_LABELS,
} from './constants.js';

/** One entry of a ServiceMonitor's `endpoints`. */
export type IEndpoint = IServiceMonitor['spec']['endpoints'][number];
type RuleGroups = NonNullable<IPrometheusRule['spec']['groups']>;

const repoFile = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

export const ALERTS_FILE = 'prometheus/alerts.yml';
export const RECORDING_RULES_FILE = 'prometheus/rules.yml';
export const PROMETHEUS_FILE = 'prometheus/prometheus.yml';
export const DASHBOARD_FILE = 'grafana/dms-data-tracking.json';
export const DASHBOARD_KEY = 'dms-data-tracking.json';

/** `scrape_interval` and `scrape_timeout` of the dms-datatrack job in the example Prometheus config. */
function scrapeTiming(): { interval: string; scrapeTimeout: string } {
  const config = parse(repoFile(PROMETHEUS_FILE)) as {
    scrape_configs?: { job_name?: string; scrape_interval?: string; scrape_timeout?: string }[];
  };
  const job = config.scrape_configs?.find((c) => c.job_name === SCRAPE_JOB);
  if (job?.scrape_interval === undefined || job.scrape_timeout === undefined) {
    throw new Error(`${PROMETHEUS_FILE}: job ${SCRAPE_JOB} needs scrape_interval and scrape_timeout`);
  }
  return { interval: job.scrape_interval, scrapeTimeout: job.scrape_timeout };
}

/** The one scrape endpoint; the production overlay replaces it with an https + basic auth one. */
export function scrapeEndpoint(): IEndpoint {
  return { port: METRICS_PORT_NAME, path: '/metrics', scheme: 'http', ...scrapeTiming() };
}

export function serviceMonitor(): ServiceMonitor {
  return new ServiceMonitor({
    metadata: { name: APP, labels: { ...LABELS } },
    spec: {
      // The job label comes from the Service's `job` label: `dms-datatrack`, which the alerts expect.
      jobLabel: JOB_LABEL,
      selector: { matchLabels: { ...SELECTOR_LABELS } },
      endpoints: [scrapeEndpoint()],
    },
  });
}

/** A rule file's groups, unchanged: the files stay the one place rules are written. */
function groupsOf(file: string): RuleGroups {
  const rules = parse(repoFile(file)) as { groups: RuleGroups };
  if (!Array.isArray(rules.groups)) throw new Error(`${file}: no groups`);
  return rules.groups;
}

/** prometheus/rules.yml's groups (the estimates the alerts read), then prometheus/alerts.yml's. */
export function ruleGroups(): RuleGroups {
  return [...groupsOf(RECORDING_RULES_FILE), ...groupsOf(ALERTS_FILE)];
}

export function prometheusRule(): PrometheusRule {
  return new PrometheusRule({
    metadata: { name: APP, labels: { ...LABELS } },
    spec: { groups: ruleGroups() },
  });
}

/**
 * The dashboard for the Grafana sidecar, which loads every ConfigMap labelled grafana_dashboard (in
 * Grafana's namespace unless its searchNamespace says otherwise). `grafana_folder` places it in a
 * "DMS" folder where the sidecar's folderAnnotation is set to that name; elsewhere it is ignored.
 */
export function dashboardConfigMap(): ConfigMap {
  return new ConfigMap({
    metadata: {
      name: NAMES.dashboard,
      labels: { ...LABELS, ...GRAFANA_DASHBOARD_LABEL },
      annotations: { grafana_folder: 'DMS' },
    },
    data: { [DASHBOARD_KEY]: repoFile(DASHBOARD_FILE) },
  });
}
