import * as common from '@grafana/grafana-foundation-sdk/common';

/** A legend table right of a per-order time series, with each series' last value. */
export function lastValueLegend(): common.VizLegendOptionsBuilder {
  return new common.VizLegendOptionsBuilder()
    .displayMode(common.LegendDisplayMode.Table)
    .placement(common.LegendPlacement.Right)
    .showLegend(true)
    .calcs(['lastNotNull']);
}
