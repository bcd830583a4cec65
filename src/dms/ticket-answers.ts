import { err, ok, type Result } from 'yaml-files/basics';
import { envelope, isRecord, requestIdOf, text } from './envelope.js';
import type { DmsError, OrderPage, TicketSummary, TrackDetail } from './types.js';

// The answers of ListOrders and GetDataTrackOrderDetail (docs/dms-api.md §7), checked field by field:
// everything DMS sends is `unknown` until read here. Strings are cut to a bound so a huge answer
// cannot grow the exporter's memory; an entry without a usable OrderId is skipped.

const MAX_LIST = 1000;

function positiveInteger(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** A list of strings, written either as an array or (as some Alibaba answers do) wrapped in an object. */
function texts(value: unknown): string[] {
  const list = Array.isArray(value) ? value : isRecord(value) ? Object.values(value).find(Array.isArray) : [];
  return (list ?? [])
    .slice(0, MAX_LIST)
    .map(text)
    .filter((t) => t !== '');
}

export function interpretListOrdersBody(body: unknown): Result<OrderPage, DmsError> {
  const checked = envelope(body);
  if (!checked.ok) return checked;
  const { TotalCount, Orders } = checked.value;
  const requestId = requestIdOf(checked.value);
  const list = isRecord(Orders) ? Orders.Order : undefined;
  const total = typeof TotalCount === 'number' ? TotalCount : Number(TotalCount);
  if (!Array.isArray(list) || !Number.isSafeInteger(total) || total < 0) {
    return err({
      code: 'malformed_response',
      message: 'answer has no Orders.Order list or TotalCount',
      requestId,
    });
  }
  const orders = list.slice(0, MAX_LIST).flatMap((entry): TicketSummary[] => {
    if (!isRecord(entry)) return [];
    const orderId = positiveInteger(entry.OrderId);
    if (orderId === undefined) return [];
    return [
      {
        orderId,
        pluginType: text(entry.PluginType),
        statusCode: text(entry.StatusCode),
        statusDesc: text(entry.StatusDesc),
        comment: text(entry.Comment),
        committer: text(entry.Committer),
        committerId: text(entry.CommitterId),
        createTime: text(entry.CreateTime),
        lastModifyTime: text(entry.LastModifyTime),
      },
    ];
  });
  return ok({ totalCount: total, orders, requestId });
}

export function interpretOrderDetailBody(body: unknown): Result<TrackDetail, DmsError> {
  const checked = envelope(body);
  if (!checked.ok) return checked;
  const detail = checked.value.DataTrackOrderDetail;
  if (!isRecord(detail)) {
    const requestId = requestIdOf(checked.value);
    return err({ code: 'malformed_response', message: 'answer has no DataTrackOrderDetail', requestId });
  }
  return ok({
    database: text(detail.DatabaseSearchName),
    schema: text(detail.SchemaName),
    tables: texts(detail.TableNames),
    trackTypes: texts(detail.TrackTypes),
    jobStartTime: text(detail.JobStartTime),
    jobEndTime: text(detail.JobEndTime),
  });
}
