import { METRICS } from '../../src/metrics/catalogue.js';

/**
 * PromQL for the dashboard. Every per-order query is scoped by the three dashboard variables and
 * joins `aliyun_dms_datatrack_order_info` on (job, instance, order_id) so legends and tables can
 * show the display name: joining on order_id alone breaks as soon as two exporters watch one order.
 */
const TARGET = 'job=~"$job",instance=~"$instance"';
const ORDER = `${TARGET},order_id=~"$order_id"`;
const ORDER_KEY = 'job, instance, order_id';

/** `metric{job,instance,order_id filters,extra}` */
export function orderSelector(metric: string, extra = ''): string {
  return `${metric}{${ORDER}${extra === '' ? '' : `,${extra}`}}`;
}

/** `metric{job,instance filters,extra}` for the exporter's own (not per-order) metrics. */
export function targetSelector(metric: string, extra = ''): string {
  return `${metric}{${TARGET}${extra === '' ? '' : `,${extra}`}}`;
}

/** Adds the order's display `name` label to a per-order vector that keeps (job, instance, order_id). */
export function withOrderName(expr: string): string {
  return (
    `(${expr})\n* on (${ORDER_KEY}) group_left (name)\n` +
    `max by (${ORDER_KEY}, name) (${orderSelector(METRICS.orderInfo.name)})`
  );
}

/** Legend for per-order series: the id first (unique), then the display name (may be empty). */
export const ORDER_LEGEND = '{{order_id}} {{name}}';
