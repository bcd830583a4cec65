/**
 * Names, paths and figures shared by the Kubernetes manifests, the overlays and their tests.
 * The scrape job name comes from the dashboard's constants: the alerts, the dashboard and the
 * ServiceMonitor all depend on the same `dms-datatrack`.
 */
import { createRequire } from 'node:module';
import { SCRAPE_JOB } from '../../grafana/src/constants.js';

export { SCRAPE_JOB };

const packageJson = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Name of every object, the container and the `app.kubernetes.io/name` label. */
export const APP = 'dms-datatrack-exporter';
export const VERSION = packageJson.version;
/** Kustomize's `images:` (or `kustomize edit set image`) points this at a registry. */
export const IMAGE = `${APP}:${VERSION}`;

export const METRICS_PORT = 10036;
export const METRICS_PORT_NAME = 'metrics';

/** Selector labels: never change them, a Deployment's selector is immutable. */
export const SELECTOR_LABELS = { 'app.kubernetes.io/name': APP } as const;
export const LABELS = { ...SELECTOR_LABELS, 'app.kubernetes.io/component': 'exporter' } as const;

/**
 * The ServiceMonitor takes the Prometheus `job` label from this Service label (`jobLabel`), so the
 * job stays `dms-datatrack` whatever the Service is called (a kustomize namePrefix, say).
 */
export const JOB_LABEL = 'job';

/** Where the container finds its files; all read-only mounts. */
export const PATHS = {
  configDir: '/etc/dms-datatrack-exporter/config',
  configFile: '/etc/dms-datatrack-exporter/config/config.yaml',
  credentialsDir: '/etc/dms-datatrack-exporter/credentials',
  webDir: '/etc/dms-datatrack-exporter/web',
  webConfigFile: '/etc/dms-datatrack-exporter/web/web-config.yml',
  tlsDir: '/etc/dms-datatrack-exporter/tls',
} as const;

/** Object names other than APP. Secrets marked "yours" are created by the operator, never committed. */
export const NAMES = {
  config: `${APP}-config`,
  dashboard: `${APP}-dashboard`,
  webConfig: `${APP}-web-config`,
  /** yours: `tls.crt`, `tls.key` and `ca.crt` (cert-manager writes exactly these keys). */
  tls: `${APP}-tls`,
  /** yours: `access_key_id` and `access_key_secret`. */
  credentials: `${APP}-credentials`,
  /** yours: `username` and `password` Prometheus sends (plain text; the exporter holds the bcrypt hash). */
  scrapeAuth: `${APP}-scrape-auth`,
} as const;

/** ACK's pod identity webhook (RRSA): the RAM role the exporter's ServiceAccount assumes. */
export const RRSA_ROLE_ANNOTATION = 'pod-identity.alibabacloud.com/role-name';
/** Placeholder RAM role name; create a role of that name or change the annotation in an overlay. */
export const RRSA_ROLE_NAME = APP;

/** The Grafana sidecar (grafana and kube-prometheus-stack Helm charts) loads ConfigMaps with this label. */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: '1' } as const;

/**
 * Requests and limits, from deploy/measure-resources.ts on a 2-core machine (2026-11-29, Node 20.20;
 * the table is in docs/deploy.md). `--demo`: 94 MiB RSS idle, 104 MiB peak. 300 orders, every one
 * asked on every scrape: 85-89 MiB idle, peaks of 113 MiB (a scrape every 10 s), 156 MiB (every
 * second, 60 times the shipped rate) and 186 MiB back to back (127 MiB with the heap cap below);
 * 40-80 ms of CPU per scrape, so a few millicores on average at the shipped 60 s.
 * Memory: the request covers a few hundred orders, the limit leaves room for bursts of scrapes, and
 * the V8 heap is capped below it (NODE_OPTIONS) so Node collects garbage before the kernel kills it.
 * CPU: the request is the average with a wide margin for start-up; the limit lets one scrape of 300
 * orders finish in a fraction of a second instead of being throttled for seconds.
 */
export const RESOURCES = {
  requests: { cpu: '50m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
} as const;
export const NODE_OPTIONS = '--max-old-space-size=160';

/**
 * Probe timing, the same for the base's HTTP probes and the production overlay's TCP ones: every
 * 10 s; two failures in a row take the pod out of the Service, three restart it.
 */
export const PROBE_TIMING = {
  liveness: { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
  readiness: { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 2 },
} as const;
export type ProbeTiming = (typeof PROBE_TIMING)[keyof typeof PROBE_TIMING];
