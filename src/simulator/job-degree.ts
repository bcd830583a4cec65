import type { Param } from './encoding.js';
import { paramValue } from './encoding.js';
import { gatewayError, type GatewayError } from './errors.js';
import type { JobState, Scenario, ScenarioOrder } from './scenario.js';
import { jobProgressAt, timelinePosition } from './timeline.js';

// GetDataTrackJobDegree: the DMS answer for one order at one moment, faults included.

export type Answer =
  | { readonly kind: 'gateway'; readonly error: GatewayError }
  | { readonly kind: 'json'; readonly body: Readonly<Record<string, unknown>> }
  /** A 200 whose body is not JSON at all. */
  | { readonly kind: 'broken'; readonly text: string };

export interface PlannedAnswer {
  readonly answer: Answer;
  /** Wait this long before answering (the `slow` fault). */
  readonly delayMs: number;
  /** For the rejection log line: the business or gateway code, if the answer is not a success. */
  readonly rejectedCode?: string | undefined;
}

const STATUS_DESC: Record<JobState, string> = {
  INIT: 'init',
  LISTING: 'listing',
  LIST_SUCCESS: 'list success',
  DOWNLOADING: 'downloading',
  DOWNLOAD_FAIL: 'download fail',
  DOWNLOAD_SUCCESS: 'download success',
  FILTERING: 'searching',
  FILTER_FAIL: 'searching fail',
  FILTER_SUCCESS: 'searching success',
};

/** Reads `OrderId` (and `Tid`) as positive whole numbers, or the gateway's parameter error. */
export function readOrderParams(
  params: readonly Param[],
): { ok: true; orderId: number; tid: number | undefined } | { ok: false; error: GatewayError } {
  const orderText = paramValue(params, 'OrderId');
  if (orderText === undefined || orderText === '')
    return { ok: false, error: gatewayError('MissingOrderId') };
  const orderId = positiveInteger(orderText);
  if (orderId === undefined) {
    return { ok: false, error: gatewayError('InvalidParameter', 'OrderId must be a positive whole number.') };
  }
  const tidText = paramValue(params, 'Tid');
  const tid = tidText === undefined ? undefined : positiveInteger(tidText);
  if (tidText !== undefined && tid === undefined) {
    return { ok: false, error: gatewayError('InvalidParameter', 'Tid must be a positive whole number.') };
  }
  return { ok: true, orderId, tid };
}

function positiveInteger(text: string): number | undefined {
  if (!/^[0-9]{1,16}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** The answer for `orderId` (with an optional `tid`) at `elapsedMs` of the scenario. */
export function planJobDegree(
  scenario: Scenario,
  orders: ReadonlyMap<number, ScenarioOrder>,
  orderId: number,
  tid: number | undefined,
  elapsedMs: number,
  requestId: string,
): PlannedAnswer {
  const order = orders.get(orderId);
  if (order === undefined || (order.tid !== undefined && tid !== undefined && tid !== order.tid)) {
    return businessError(
      requestId,
      'UnknownError',
      `The order ${orderId} is not a data tracking order of this tenant.`,
    );
  }
  const fault = order.fault;
  switch (fault?.kind) {
    case 'throttle':
      return gateway('Throttling.User');
    case 'internal_error':
      return gateway('InternalError');
    case 'unavailable':
      return gateway('ServiceUnavailable');
    case 'malformed_json':
      return { answer: { kind: 'broken', text: `{"RequestId":"${requestId}","Success":tru` }, delayMs: 0 };
    case 'business_error':
      return businessError(requestId, fault.code, fault.message);
    case 'slow':
      return { ...success(order, elapsedMs, scenario, requestId), delayMs: fault.delayMs };
    default:
      return success(order, elapsedMs, scenario, requestId);
  }
}

function success(
  order: ScenarioOrder,
  elapsedMs: number,
  scenario: Scenario,
  requestId: string,
): PlannedAnswer {
  const degree = jobProgressAt(order, timelinePosition(elapsedMs, scenario.repeatEveryMs));
  const status = order.fault?.kind === 'unknown_status' ? 'PAUSED' : degree.status;
  const jobDegree = {
    JobStatus: status,
    StatusDesc: status === 'PAUSED' ? 'paused' : STATUS_DESC[degree.status],
    ListCompletionDegree: order.fault?.kind === 'bad_ratio' ? 1.7 : degree.list,
    DownloadCompletionDegree: degree.download,
    FilterCompletionDegree: degree.filter,
  };
  return {
    answer: { kind: 'json', body: { RequestId: requestId, Success: true, JobDegree: jobDegree } },
    delayMs: 0,
  };
}

function businessError(requestId: string, code: string, message: string): PlannedAnswer {
  const body = { RequestId: requestId, Success: false, ErrorCode: code, ErrorMessage: message };
  return { answer: { kind: 'json', body }, delayMs: 0, rejectedCode: code };
}

function gateway(code: Parameters<typeof gatewayError>[0]): PlannedAnswer {
  return { answer: { kind: 'gateway', error: gatewayError(code) }, delayMs: 0, rejectedCode: code };
}
