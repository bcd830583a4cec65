import { gatewayError } from './errors.js';
import { planJobDegree, readOrderParams, type PlannedAnswer } from './job-degree.js';
import type { SignedRequest } from './request.js';
import type { Scenario, ScenarioOrder } from './scenario.js';

// After authentication and throttling: the product version, the action, its parameters.

export const PRODUCT_VERSION = '2018-11-01';
export const JOB_DEGREE_ACTION = 'GetDataTrackJobDegree';

/** What an authenticated call is about, for callCount(). */
export interface CallKey {
  readonly action: string;
  readonly orderId: number | undefined;
}

export function callKey(signed: SignedRequest): CallKey {
  const order = readOrderParams(signed.params);
  return { action: signed.action ?? '', orderId: order.ok ? order.orderId : undefined };
}

export function dispatch(
  signed: SignedRequest,
  path: string,
  scenario: Scenario,
  orders: ReadonlyMap<number, ScenarioOrder>,
  elapsedMs: number,
  requestId: string,
): PlannedAnswer {
  if (signed.version !== PRODUCT_VERSION) return rejected(gatewayError('InvalidVersion'));
  // RPC-style APIs live at `/` only.
  if (signed.action !== JOB_DEGREE_ACTION || path !== '/')
    return rejected(gatewayError('InvalidApi.NotFound'));
  const order = readOrderParams(signed.params);
  if (!order.ok) return rejected(order.error);
  return planJobDegree(scenario, orders, order.orderId, order.tid, elapsedMs, requestId);
}

export function rejected(error: ReturnType<typeof gatewayError>): PlannedAnswer {
  return { answer: { kind: 'gateway', error }, delayMs: 0, rejectedCode: error.code };
}
