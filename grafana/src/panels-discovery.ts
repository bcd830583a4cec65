import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE } from './constants.js';
import { targetSelector } from './queries.js';
import { instantQuery, rangeQuery } from './targets.js';
import { METRICS } from '../../src/metrics/catalogue.js';

/** Ticket discovery runs per profile (profiles.<name>.discovery): only profiles with it on have series. */
const LEGEND = '{{instance}} {{profile}}';

/** Seconds without a successful run after which DmsDataTrackTicketDiscoveryFailing starts counting. */
const ALERT_AGE_SECONDS = 900;

function profileStat(title: string, description: string, expr: string): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .withTarget(instantQuery('A', expr, LEGEND))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .span(4)
    .height(7);
}

function thresholds(warnAt: number, colour: string): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
    { value: null, color: 'green' },
    { value: warnAt, color: colour },
  ]);
}

/** How many tickets the last successful run of each profile follows. */
export function discoveredTickets(): cog.Builder<dashboard.Panel> {
  return profileStat(
    'Discovered tickets',
    'Data-tracking tickets the last successful discovery run of each profile follows (ListOrders, within ' +
      'discovery.lookback, after the comment filters). They are exported beside the orders written in the config.',
    `max by (instance, profile) (${targetSelector(METRICS.discoveredOrders.name)})`,
  )
    .colorMode(common.BigValueColorMode.None)
    .decimals(0);
}

/** Tickets found but not followed because of discovery.max_orders. */
export function discoveryLeftOut(): cog.Builder<dashboard.Panel> {
  return profileStat(
    'Tickets left out (max_orders)',
    'Tickets the last discovery run found but does not follow because of discovery.max_orders (the newest ' +
      'are followed). Above 0 (red), raise max_orders, shorten lookback or narrow the comment filters.',
    `max by (instance, profile) (${targetSelector(METRICS.discoveryLeftOut.name)})`,
  )
    .thresholds(thresholds(1, 'red'))
    .decimals(0);
}

/** Age of the last successful run, against the alert's threshold. */
export function discoveryAge(): cog.Builder<dashboard.Panel> {
  return profileStat(
    'Since last successful discovery',
    'Time since the last successful ticket discovery run of each profile; it should stay below ' +
      'discovery.interval plus a little. Orange from 15 minutes: DmsDataTrackTicketDiscoveryFailing fires when it ' +
      'stays there for 15 more. A profile that never succeeded since the exporter started has no value here: ' +
      'see "Discovery errors".',
    `time() - max by (instance, profile) (${targetSelector(METRICS.discoveryLastSuccess.name)})`,
  )
    .unit('s')
    .decimals(0)
    .thresholds(thresholds(ALERT_AGE_SECONDS, 'orange'));
}

/** Failed runs by the code of the failing call. */
export function discoveryErrors(): cog.Builder<dashboard.Panel> {
  const expr = `sum by (instance, profile, code) (increase(${targetSelector(METRICS.discoveryErrors.name)}[$__rate_interval]))`;
  return new timeseries.PanelBuilder()
    .title('Discovery errors')
    .description(
      'Failed ticket discovery runs by profile and the code of the failing call (Throttling.*, Forbidden.*, ' +
        'timeout, network...). A failed run keeps the last good list of tickets. Empty while every run succeeds.',
    )
    .datasource(DATASOURCE)
    .withTarget(rangeQuery('A', expr, `${LEGEND} {{code}}`))
    .unit('short')
    .min(0)
    .drawStyle(common.GraphDrawStyle.Bars)
    .span(12)
    .height(7);
}
