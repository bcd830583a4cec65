import { METRICS } from '../../src/metrics/catalogue.js';

/**
 * PromQL for the dashboard. Every per-order query is scoped by the three dashboard variables and
 * joins `aliyun_dms_datatrack_order_info` on (job, instance, order_id) so legends and tables can
 * show the display name: joining on order_id alone breaks as soon as two exporters watch one order.
 */
const TARGET = 'job=~"$job",instance=~"$instance"';
const ORDER = `${TARGET},order_id=~"$order_id"`;
/** The labels that identify one order's series; every join between per-order vectors is on them. */
export const ORDER_KEY = 'job, instance, order_id';

/** `metric{job,instance,order_id filters,extra}` */
export function orderSelector(metric: string, extra = ''): string {
  return `${metric}{${ORDER}${extra === '' ? '' : `,${extra}`}}`;
}

/** `metric{job,instance filters,extra}` for the exporter's own (not per-order) metrics. */
export function targetSelector(metric: string, extra = ''): string {
  return `${metric}{${TARGET}${extra === '' ? '' : `,${extra}`}}`;
}

/**
 * Adds order_info's `labels` (comma-separated) to a per-order vector that keeps (job, instance,
 * order_id). `expr` goes in as written: parenthesise it when its outermost operator binds more
 * loosely than `*`.
 */
export function withOrderInfo(expr: string, labels: string): string {
  return (
    `${expr}\n* on (${ORDER_KEY}) group_left (${labels})\n` +
    `max by (${ORDER_KEY}, ${labels}) (${orderSelector(METRICS.orderInfo.name)})`
  );
}

/** Adds the order's display `name` label. */
export function withOrderName(expr: string): string {
  return withOrderInfo(`(${expr})`, 'name');
}

/**
 * Adds what order_info knows about the order's ticket: display `name`, `source` (config, discovery,
 * probe), for discovered tickets `committer` and `comment` (empty for configured orders), and the
 * ticket's `console_url` where the profile has one.
 */
export function withOrderDetails(expr: string): string {
  return withOrderInfo(`(${expr})`, 'name, source, committer, comment, console_url');
}

/**
 * Adds a `ticket` label: the ticket's state from ListOrders for a discovered ticket, no label (an
 * empty cell) for an order written in the config. Every order_info series gets one match.
 */
export function withTicketState(expr: string): string {
  // label_join copies `status` without a `$1`, which Grafana would read as a variable.
  const ticket = `label_join(${orderSelector(METRICS.ticketStatus.name)} == 1, "ticket", "", "status")`;
  return (
    `(${expr})\n* on (${ORDER_KEY}) group_left (ticket)\n(\n` +
    `  max by (${ORDER_KEY}, ticket) (${ticket})\n` +
    `  or on (${ORDER_KEY})\n` +
    `  max by (${ORDER_KEY}) (${orderSelector(METRICS.orderInfo.name)})\n)`
  );
}

/** Legend for per-order series: the id first (unique), then the display name (may be empty). */
export const ORDER_LEGEND = '{{order_id}} {{name}}';
