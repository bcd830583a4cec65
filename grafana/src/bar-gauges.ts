import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE } from './constants.js';
import { ORDER_LEGEND } from './queries.js';
import { instantQuery } from './targets.js';

/** One horizontal bar per order, in percent of `max` (1 = 100 %), coloured by `steps` (thresholds). */
export function orderPercentBars(options: {
  readonly title: string;
  readonly description: string;
  readonly expr: string;
  readonly max: number;
  readonly steps: dashboard.Threshold[];
  readonly span: number;
}): cog.Builder<dashboard.Panel> {
  return new bargauge.PanelBuilder()
    .title(options.title)
    .description(options.description)
    .datasource(DATASOURCE)
    .withTarget(instantQuery('A', options.expr, ORDER_LEGEND))
    .unit('percentunit')
    .min(0)
    .max(options.max)
    .decimals(0)
    .thresholds(
      new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(options.steps),
    )
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .orientation(common.VizOrientation.Horizontal)
    .showUnfilled(true)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .span(options.span)
    .height(8);
}
