import { rejected, type PlannedAnswer } from './answer.js';
import type { Param } from './encoding.js';
import { gatewayError } from './errors.js';
import { planJobDegree } from './job-degree.js';
import { planListOrders } from './list-orders.js';
import { planOrderDetail } from './order-detail.js';
import { readOrderParams } from './params.js';
import type { SignedRequest } from './request.js';
import type { Moment } from './tickets.js';
import type { World } from './world.js';

// After authentication: the product version, the action, its parameters.

export const PRODUCT_VERSION = '2018-11-01';
export const JOB_DEGREE_ACTION = 'GetDataTrackJobDegree';
export const LIST_ORDERS_ACTION = 'ListOrders';
export const ORDER_DETAIL_ACTION = 'GetDataTrackOrderDetail';
/** The actions the simulator answers (a credential's `deny` names some of them). */
export const ACTION_NAMES = [JOB_DEGREE_ACTION, LIST_ORDERS_ACTION, ORDER_DETAIL_ACTION] as const;

/** What an authenticated call is about, for callCount(). */
export interface CallKey {
  readonly action: string;
  readonly orderId: number | undefined;
}

export function callKey(signed: SignedRequest): CallKey {
  const order = readOrderParams(signed.params);
  return { action: signed.action ?? '', orderId: order.ok ? order.value.orderId : undefined };
}

type Action = (world: World, params: readonly Param[], moment: Moment, requestId: string) => PlannedAnswer;

/** An action on one order: OrderId and Tid are read (and checked) first. */
function orderAction(plan: typeof planJobDegree): Action {
  return (world, params, moment, requestId) => {
    const query = readOrderParams(params);
    return query.ok ? plan(world, query.value, moment, requestId) : rejected(query.error);
  };
}

const ACTIONS: ReadonlyMap<string, Action> = new Map([
  [JOB_DEGREE_ACTION, orderAction(planJobDegree)],
  [ORDER_DETAIL_ACTION, orderAction(planOrderDetail)],
  [LIST_ORDERS_ACTION, planListOrders],
]);

export function dispatch(
  signed: SignedRequest,
  path: string,
  world: World,
  moment: Moment,
  requestId: string,
): PlannedAnswer {
  if (signed.version !== PRODUCT_VERSION) return rejected(gatewayError('InvalidVersion'));
  const action = ACTIONS.get(signed.action ?? '');
  // RPC-style APIs live at `/` only.
  if (action === undefined || path !== '/') return rejected(gatewayError('InvalidApi.NotFound'));
  return action(world, signed.params, moment, requestId);
}
