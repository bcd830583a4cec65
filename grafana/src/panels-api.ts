import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE } from './constants.js';
import { targetSelector } from './queries.js';
import { rangeQuery } from './targets.js';
import { METRICS } from '../../src/metrics/catalogue.js';

const RATE = '[$__rate_interval]';

/** Calls made and calls failed, by error code. */
export function apiCalls(): cog.Builder<dashboard.Panel> {
  const calls = `sum by (instance, action) (rate(${targetSelector(METRICS.apiRequests.name)}${RATE}))`;
  const errors = `sum by (instance, code) (rate(${targetSelector(METRICS.apiRequestErrors.name)}${RATE}))`;
  return new timeseries.PanelBuilder()
    .title('DMS API calls and errors')
    .description(
      'DMS OpenAPI calls per second, and failed calls per second by error code. Throttling.* codes mean ' +
        'the account is over its DMS rate limit (DmsDataTrackApiThrottled); SignatureDoesNotMatch, ' +
        'InvalidAccessKeyId.*, Forbidden.* and similar mean credential or permission problems ' +
        '(DmsDataTrackApiAuthFailed).',
    )
    .datasource(DATASOURCE)
    .withTarget(rangeQuery('A', calls, '{{instance}} {{action}}'))
    .withTarget(rangeQuery('B', errors, '{{instance}} error {{code}}'))
    .unit('reqps')
    .min(0)
    .overrideByRegexp('.* error .*', [{ id: 'custom.drawStyle', value: 'bars' }])
    .span(12)
    .height(8);
}

/** Latency quantiles of DMS calls. */
export function apiLatency(): cog.Builder<dashboard.Panel> {
  const quantile = (q: number): string =>
    `histogram_quantile(${q}, sum by (le, instance) (rate(${targetSelector(`${METRICS.apiRequestDuration.name}_bucket`)}${RATE})))`;
  return new timeseries.PanelBuilder()
    .title('DMS API latency')
    .description(
      "Median, 90th and 99th percentile duration of DMS OpenAPI calls, from the exporter's histogram. " +
        'Compare with the scrape timeout: calls slower than it end as up=0 with code timeout.',
    )
    .datasource(DATASOURCE)
    .withTarget(rangeQuery('A', quantile(0.5), '{{instance}} p50'))
    .withTarget(rangeQuery('B', quantile(0.9), '{{instance}} p90'))
    .withTarget(rangeQuery('C', quantile(0.99), '{{instance}} p99'))
    .unit('s')
    .min(0)
    .span(12)
    .height(8);
}

/** Answers that needed no DMS call of their own. */
export function answersReused(): cog.Builder<dashboard.Panel> {
  const expr = `sum by (instance, reason) (rate(${targetSelector(METRICS.answersReused.name)}${RATE}))`;
  return new timeseries.PanelBuilder()
    .title('Answers reused')
    .description(
      'Order answers served without a DMS call of their own: in_flight (shared with a concurrent ' +
        'scrape, e.g. two Prometheus servers) and terminal_cache (a job in a final state, re-asked only ' +
        'every scrape.terminal_recheck). These save DMS quota.',
    )
    .datasource(DATASOURCE)
    .withTarget(rangeQuery('A', expr, '{{instance}} {{reason}}'))
    .unit('ops')
    .min(0)
    .span(24)
    .height(7);
}
