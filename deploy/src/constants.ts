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
 * Requests and limits (docs/deploy.md has the tables and the arithmetic). Measured on a 2-core machine
 * with Node 20.20, in a podman container with these limits and no swap: 300 orders, every one asked
 * on every scrape, peak RSS 99 MiB at a scrape a second and 100 MiB back to back; a reload during
 * those scrapes (bench/reload-memory.ts has the files) added at most 148 MiB for a file within the
 * caps (the config loader's heap, 125 MiB here, and its thread) and about 30 MiB for one refused for
 * its size. So:
 *   limit 448 Mi = 100 (steady) + 148 (worst allowed reload) + 200 (room for the exporter's heap to
 *   grow to V8's limit, 259 MiB in such a container, which the loader's rule sets aside for it).
 * The loader's rule (src/config/loader-heap.ts): 448 − 259 − 64 = 125 MiB, enough for every config
 * of 10,000 orders tried (a key per line with comments needs about 96).
 * No NODE_OPTIONS: V8 applies --max-old-space-size to every thread, so it would set the loader's heap
 * too, over the rule; Node sizes the exporter's heap from the container's limit instead.
 * CPU: 40-80 ms per scrape of 300 orders, a few millicores on average at the shipped 60 s; the limit
 * lets one scrape finish in a fraction of a second instead of being throttled for seconds.
 */
export const RESOURCES = {
  requests: { cpu: '50m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '448Mi' },
} as const;

/**
 * Probe timing, the same for the base's HTTP probes and the production overlay's TCP ones: every
 * 10 s; two failures in a row take the pod out of the Service, three restart it.
 */
export const PROBE_TIMING = {
  liveness: { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
  readiness: { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 2 },
} as const;
export type ProbeTiming = (typeof PROBE_TIMING)[keyof typeof PROBE_TIMING];
