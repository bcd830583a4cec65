import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { DATASOURCE } from './constants.js';

/** A range query drawn as series named by `legend`. */
export function rangeQuery(refId: string, expr: string, legend: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .refId(refId)
    .datasource(DATASOURCE)
    .expr(expr)
    .legendFormat(legend)
    .range();
}

/** An instant query whose series become table rows (one column per label). */
export function instantTable(refId: string, expr: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .refId(refId)
    .datasource(DATASOURCE)
    .expr(expr)
    .format(prometheus.PromQueryFormat.Table)
    .instant();
}

/** An instant query: for panels that show "now", where a range's last value could be stale. */
export function instantQuery(refId: string, expr: string, legend: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .refId(refId)
    .datasource(DATASOURCE)
    .expr(expr)
    .legendFormat(legend)
    .instant();
}
