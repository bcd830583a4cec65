import { ALL_METRIC_NAMES } from '../../src/metrics/catalogue.js';

/**
 * Metric names the monitoring artifacts may use: the exporter's contract, the series Prometheus
 * derives from its histogram, and Prometheus' own `up`. The alert rules and the dashboard are
 * checked against this list so a misspelt name fails a test instead of drawing an empty panel.
 */
const HISTOGRAMS = ['aliyun_dms_datatrack_api_request_duration_seconds'] as const;

export const KNOWN_METRIC_NAMES: ReadonlySet<string> = new Set([
  ...ALL_METRIC_NAMES,
  ...HISTOGRAMS.flatMap((name) => [`${name}_bucket`, `${name}_sum`, `${name}_count`]),
  // Written by Prometheus for every scrape target.
  'up',
]);
