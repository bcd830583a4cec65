import { describe, expect, it } from 'vitest';
import { err, ok } from 'yaml-files';
import { listAllTickets } from '../../src/discovery/paging.js';
import type { OrderPage, TicketSummary } from '../../src/dms/types.js';

function ticket(orderId: number): TicketSummary {
  return {
    orderId,
    pluginType: 'DATA_TRACK',
    statusCode: 'processing',
    statusDesc: '',
    comment: '',
    committer: '',
    committerId: '',
    createTime: '2026-01-05 09:00:00',
    lastModifyTime: '2026-01-05 09:00:00',
  };
}

/** A server with `total` tickets that sends at most `served` per page, whatever was asked. */
function pages(total: number, served: number) {
  const asked: number[] = [];
  const fetch = (pageNumber: number) => {
    asked.push(pageNumber);
    const from = (pageNumber - 1) * served;
    const ids = Array.from({ length: Math.max(0, Math.min(served, total - from)) }, (_, i) => from + i + 1);
    return Promise.resolve(ok<OrderPage>({ totalCount: total, orders: ids.map(ticket), requestId: 'R' }));
  };
  return { asked, fetch };
}

describe('listAllTickets', () => {
  it('keeps asking after pages shorter than it asked for, until TotalCount tickets are seen', async () => {
    const server = pages(7, 2);
    const listed = await listAllTickets(server.fetch);
    expect(listed.ok && listed.value.map((t) => t.orderId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.asked).toEqual([1, 2, 3, 4]);
  });

  it('stops on an empty page and on a page with nothing new', async () => {
    const empty = pages(0, 10);
    expect(await listAllTickets(empty.fetch)).toEqual({ ok: true, value: [] });
    expect(empty.asked).toEqual([1]);
    // Claims 10 tickets but the second page is empty: stop there, not at the safety stop.
    const short: number[] = [];
    const endsEarly = (n: number) => {
      short.push(n);
      const orders = n === 1 ? [ticket(1), ticket(2), ticket(3)] : [];
      return Promise.resolve(ok<OrderPage>({ totalCount: 10, orders, requestId: 'R' }));
    };
    const partial = await listAllTickets(endsEarly);
    expect(partial.ok && partial.value.map((t) => t.orderId)).toEqual([1, 2, 3]);
    expect(short).toEqual([1, 2]);
    // Claims 99 tickets but sends the same two on every page: only the nothing-new check stops it
    // after the second page (the safety stop alone would ask 200 pages).
    const asked: number[] = [];
    const repeating = (n: number) => {
      asked.push(n);
      return Promise.resolve(
        ok<OrderPage>({ totalCount: 99, orders: [ticket(1), ticket(2)], requestId: 'R' }),
      );
    };
    const listed = await listAllTickets(repeating);
    expect(listed.ok && listed.value.map((t) => t.orderId)).toEqual([1, 2]);
    expect(asked).toEqual([1, 2]);
  });

  it('fails as a whole when a page fails', async () => {
    const error = { code: 'Throttling.User', message: 'slow', requestId: 'R' };
    const failing = (n: number) => (n === 2 ? Promise.resolve(err(error)) : pages(10, 3).fetch(n));
    expect(await listAllTickets(failing)).toEqual({ ok: false, error });
  });
});
