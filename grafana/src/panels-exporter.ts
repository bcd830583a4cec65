import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE } from './constants.js';
import { ORDER_KEY, ORDER_LEGEND, orderSelector, targetSelector, withOrderName } from './queries.js';
import { instantQuery, instantTable, rangeQuery } from './targets.js';
import { METRICS } from '../../src/metrics/catalogue.js';

/** 1 -> `ok` (green), 0 -> `bad` (red): for the 0/1 health gauges. */
function okMapping(ok: string, bad: string): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: { '0': { text: bad, color: 'red', index: 0 }, '1': { text: ok, color: 'green', index: 1 } },
    },
  ];
}

/** Per order and over time: did the scrape get a valid DMS answer? */
export function orderAnswered(): cog.Builder<dashboard.Panel> {
  const expr = withOrderName(`max by (${ORDER_KEY}) (${orderSelector(METRICS.up.name)})`);
  return new statetimeline.PanelBuilder()
    .title('DMS answer per order')
    .description(
      `${METRICS.up.name} per order: green when the scrape got a valid DMS answer, red when not ` +
        '(timeout, throttling, credentials...). A red stretch longer than 15 minutes raises ' +
        'DmsDataTrackOrderUnreadable.',
    )
    .datasource(DATASOURCE)
    .withTarget(rangeQuery('A', expr, ORDER_LEGEND))
    .mappings(okMapping('answered', 'no answer'))
    .showValue(common.VisibilityMode.Never)
    .mergeValues(true)
    .span(12)
    .height(8);
}

/** The error code behind each up=0, now. */
export function orderErrors(): cog.Builder<dashboard.Panel> {
  const expr = withOrderName(`max by (${ORDER_KEY}, code) (${orderSelector(METRICS.orderErrorInfo.name)})`);
  return new table.PanelBuilder()
    .title('Why orders have no answer')
    .description(
      'For each order the last scrape could not read: the Alibaba error code (Throttling.*, ' +
        "SignatureDoesNotMatch, Forbidden.RAM...) or the exporter's own reason (timeout, network, " +
        'http_<status>, malformed_response). Empty when every order was read.',
    )
    .datasource(DATASOURCE)
    .withTarget(instantTable('A', expr))
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true, Value: true, job: true },
        indexByName: { order_id: 0, name: 1, code: 2, instance: 3 },
        renameByName: { order_id: 'Order', name: 'Name', code: 'Error code', instance: 'Exporter' },
      },
    })
    .noValue('Every order answered')
    .span(12)
    .height(8);
}

/** Is the exporter scraped, and is its configuration the one on disk? */
export function exporterState(): cog.Builder<dashboard.Panel> {
  return new stat.PanelBuilder()
    .title('Exporter')
    .description(
      'Scrape target health (Prometheus `up`) and whether the last configuration reload succeeded, per ' +
        'exporter. A failed reload leaves the previous configuration in effect.',
    )
    .datasource(DATASOURCE)
    .withTarget(instantQuery('A', `max by (instance) (${targetSelector('up')})`, '{{instance}} scrape'))
    .withTarget(
      instantQuery(
        'B',
        `max by (instance) (${targetSelector(METRICS.configReloadSuccessful.name)})`,
        '{{instance}} config reload',
      ),
    )
    .mappings(okMapping('OK', 'FAILED'))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .span(8)
    .height(8);
}

/** The scrape's DMS fan-out against the deadline it had. */
export function scrapeDuration(): cog.Builder<dashboard.Panel> {
  return new timeseries.PanelBuilder()
    .title('Scrape duration vs timeout')
    .description(
      'Time each scrape spent asking DMS about all orders, against the deadline it had (the scrape ' +
        'timeout Prometheus sent, minus scrape.timeout_offset, capped by scrape.timeout). Durations ' +
        'reaching the timeout mean orders are cut off with up=0 (code timeout).',
    )
    .datasource(DATASOURCE)
    .withTarget(
      rangeQuery(
        'A',
        `max by (instance) (${targetSelector(METRICS.scrapeDuration.name)})`,
        '{{instance}} duration',
      ),
    )
    .withTarget(
      rangeQuery(
        'B',
        `max by (instance) (${targetSelector(METRICS.scrapeTimeout.name)})`,
        '{{instance}} timeout',
      ),
    )
    .unit('s')
    .min(0)
    .overrideByRegexp('.* timeout$', [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
    ])
    .span(16)
    .height(8);
}
