// The generated inputs of one case: the simulator's scenario, the exporter's config and the
// baselines' spec. The exporter config is the one place that knows the config schema.
import type { BaselineSpec } from './baselines/baseline.js';
import type { Mode } from './options.js';

/** An access key the generated scenario accepts; not a real credential. */
const BENCH_KEY = {
  accessKeyId: 'LTAIbenchKey0000001',
  accessKeySecret: 'bench-secret-not-real-7Qm2',
};

/** Far above any scrape the bench expects; a scrape that reaches it shows as failed orders, not a hang. */
const SCRAPE_TIMEOUT_MS = 60_000;

export function orderIds(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}

/**
 * cold: jobs that stay running for an hour, each call answered after `latencyMs` (the `slow` fault).
 * warm: jobs with zero-length stages, so FILTER_SUCCESS from the simulator's first moment; no latency.
 */
export function scenarioYaml(mode: Mode, count: number, latencyMs: number): string {
  const timing =
    mode === 'cold'
      ? 'list: 1h, download: 1h, filter: 1h'
      : 'start: 0s, list: 0s, pause: 0s, download: 0s, filter: 0s';
  const fault = mode === 'cold' && latencyMs > 0 ? `, fault: { kind: slow, delay: ${latencyMs}ms }` : '';
  const orders = orderIds(count).map((id) => `  - { id: ${id}, ${timing}${fault} }`);
  const { accessKeyId, accessKeySecret } = BENCH_KEY;
  return `credentials:
  - { access_key_id: ${accessKeyId}, access_key_secret: ${accessKeySecret} }
orders:
${orders.join('\n')}
`;
}

export function exporterConfigYaml(endpoint: string, count: number, concurrency: number): string {
  const { accessKeyId, accessKeySecret } = BENCH_KEY;
  const orders = orderIds(count).map((id) => `  - { id: ${id} }`);
  return `profiles:
  default: { endpoint: '${endpoint}', protocol: http, access_key_id: ${accessKeyId}, access_key_secret: ${accessKeySecret} }
scrape: { timeout: ${SCRAPE_TIMEOUT_MS / 1000}s, concurrency: ${concurrency}, terminal_recheck: 10m, min_interval: 0s }
orders:
${orders.join('\n')}
`;
}

export function baselineSpecJson(endpoint: string, count: number): string {
  const spec: BaselineSpec = {
    endpoint,
    access_key_id: BENCH_KEY.accessKeyId,
    access_key_secret: BENCH_KEY.accessKeySecret,
    timeout_ms: SCRAPE_TIMEOUT_MS,
    order_ids: orderIds(count),
  };
  return JSON.stringify(spec);
}
