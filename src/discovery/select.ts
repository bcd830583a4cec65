import type { DiscoverySettings } from '../config/schema.js';
import type { TicketSummary } from '../dms/types.js';
import { FINISHED_TICKET_STATUSES, ticketStatus } from '../orders.js';

/** A ListOrders row with its times read, before it becomes an order. */
export interface ListedTicket {
  readonly summary: TicketSummary;
  readonly createdMs: number;
  readonly lastModifiedMs: number;
}

export interface Selection {
  /** Newest first, at most `max_orders`. */
  readonly kept: readonly ListedTicket[];
  /** Tickets that passed every rule but did not fit under `max_orders`. */
  readonly leftOut: number;
}

const DATA_TRACK = 'DATA_TRACK';
/** Comments are matched on their first kilobyte: a pattern never runs over an unbounded string. */
const MATCHED_COMMENT = 1024;

/**
 * Which listed tickets become orders (pure): data-tracking tickets only, the comment filters, finished
 * tickets only until `keep_finished_for` after their last change, then the newest `max_orders`.
 * `listed` holds each ticket once, as listAllTickets gives them.
 */
export function selectTickets(
  listed: readonly ListedTicket[],
  settings: DiscoverySettings,
  nowMs: number,
): Selection {
  const eligible = listed.filter(({ summary, lastModifiedMs }) => {
    if (summary.pluginType !== DATA_TRACK) return false;
    const comment = summary.comment.slice(0, MATCHED_COMMENT);
    if (settings.includeComment !== undefined && !settings.includeComment.test(comment)) return false;
    if (settings.excludeComment?.test(comment) === true) return false;
    const finished = FINISHED_TICKET_STATUSES.has(ticketStatus(summary.statusCode));
    return !finished || nowMs - lastModifiedMs < settings.keepFinishedForMs;
  });
  eligible.sort((a, b) => b.createdMs - a.createdMs || b.summary.orderId - a.summary.orderId);
  return {
    kept: eligible.slice(0, settings.maxOrders),
    leftOut: Math.max(0, eligible.length - settings.maxOrders),
  };
}
