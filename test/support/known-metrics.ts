import { readFileSync } from 'node:fs';
import { Histogram } from 'prom-client';
import { parse } from 'yaml';
import { ALL_METRIC_NAMES } from '../../src/metrics/catalogue.js';
import { createSelfMetrics } from '../../src/metrics/self-metrics.js';

/** The exporter's histograms, as its own registry declares them. */
const HISTOGRAMS = createSelfMetrics({ version: '', revision: '' })
  .registryFor('text')
  .getMetricsAsArray()
  .filter((metric) => metric instanceof Histogram && ALL_METRIC_NAMES.includes(metric.name))
  .map((metric) => metric.name);

const RECORDED = (
  parse(readFileSync('prometheus/rules.yml', 'utf8')) as { groups: { rules: { record: string }[] }[] }
).groups.flatMap((group) => group.rules.map((rule) => rule.record));

/**
 * Metric names the monitoring artifacts may use: the exporter's contract, the series Prometheus
 * derives from its histograms, the series prometheus/rules.yml records, and Prometheus' own `up`.
 * The alert rules, the dashboard and every name written down in the repository
 * (test/metrics/names-in-use.test.ts) are checked against this list, so a misspelt name fails a test
 * instead of drawing an empty panel or making an assertion of absence pass for nothing.
 */
export const KNOWN_METRIC_NAMES: ReadonlySet<string> = new Set([
  ...ALL_METRIC_NAMES,
  ...HISTOGRAMS.flatMap((name) => [`${name}_bucket`, `${name}_sum`, `${name}_count`]),
  ...RECORDED,
  // Written by Prometheus for every scrape target.
  'up',
]);
