import { ok, type Result, type ZonedTime } from 'yaml-files/basics';
import type { DiscoverySettings } from '../config/schema.js';
import type { DmsError, ListOrdersQuery, OrderPage, TicketSummary } from '../dms/types.js';

/**
 * The ListOrders query of one page: the profile's data-tracking tickets created within the lookback
 * window up to `nowMs`, in its scope and status. --dms.check asks the same, one ticket a page.
 */
export function ticketPageQuery(
  settings: DiscoverySettings,
  tid: number | undefined,
  zone: ZonedTime,
  nowMs: number,
  page: { readonly number: number; readonly size: number },
): ListOrdersQuery {
  return {
    pluginType: 'DATA_TRACK',
    scope: settings.scope,
    status: settings.status,
    startTime: zone.format(nowMs - settings.lookbackMs),
    endTime: zone.format(nowMs),
    pageNumber: page.number,
    pageSize: page.size,
    tid,
  };
}

/** A safety stop: 200 pages is 20,000 tickets at the default page size, far past max_orders' cap. */
const MAX_PAGES = 200;

/**
 * Every ticket of a listing, page after page. DMS documents no page-size limit: a server that sends
 * fewer rows than asked for is not at its end, so this stops only on an empty page, once TotalCount
 * tickets are seen, or at the safety stop; a ticket seen twice (the list moved) counts once.
 */
export async function listAllTickets(
  fetchPage: (pageNumber: number) => Promise<Result<OrderPage, DmsError>>,
): Promise<Result<TicketSummary[], DmsError>> {
  const seen = new Map<number, TicketSummary>();
  for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber++) {
    const page = await fetchPage(pageNumber);
    if (!page.ok) return page;
    for (const ticket of page.value.orders) if (!seen.has(ticket.orderId)) seen.set(ticket.orderId, ticket);
    if (page.value.orders.length === 0 || seen.size >= page.value.totalCount) break;
    // A page with nothing new means the server repeats itself (or ignores PageNumber): stop, not loop.
    if (page.value.orders.every((t) => seen.get(t.orderId) !== t)) break;
  }
  return ok([...seen.values()]);
}
