import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ALL_METRIC_NAMES } from '../../src/metrics/catalogue.js';

/**
 * Metric names the monitoring artifacts may use: the exporter's contract, the series Prometheus
 * derives from its histograms, the series prometheus/rules.yml records, and Prometheus' own `up`.
 * The alert rules and the dashboard are checked against this list so a misspelt name fails a test
 * instead of drawing an empty panel.
 */
const HISTOGRAMS = [
  'aliyun_dms_datatrack_api_request_duration_seconds',
  'aliyun_dms_datatrack_completed_stage_duration_seconds',
  'aliyun_dms_datatrack_completed_job_duration_seconds',
] as const;

const RECORDED = (
  parse(readFileSync('prometheus/rules.yml', 'utf8')) as { groups: { rules: { record: string }[] }[] }
).groups.flatMap((group) => group.rules.map((rule) => rule.record));

export const KNOWN_METRIC_NAMES: ReadonlySet<string> = new Set([
  ...ALL_METRIC_NAMES,
  ...HISTOGRAMS.flatMap((name) => [`${name}_bucket`, `${name}_sum`, `${name}_count`]),
  ...RECORDED,
  // Written by Prometheus for every scrape target.
  'up',
]);
