import type { TicketStatus } from '../orders.js';

/**
 * When a ticket was approved, as closely as ListOrders tells. DMS reports no approval time; its
 * LastModifyTime is the time of the ticket's last change, so while the ticket is `approved` it is
 * the approval, and while it is `processing` it is when the job began (at or after the approval).
 * The first such reading is kept (`known`): once the ticket finishes, LastModifyTime moves on to its
 * end. A ticket never seen approved or processing (first seen finished, or only waiting, rejected
 * or cancelled) has no approval time.
 */
export function approvalTime(
  known: number | undefined,
  status: TicketStatus,
  lastModifiedMs: number | undefined,
): number | undefined {
  if (known !== undefined) return known;
  return status === 'approved' || status === 'processing' ? lastModifiedMs : undefined;
}
