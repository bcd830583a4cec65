import { zonedTime, type ZonedTime } from 'yaml-files';
import {
  DATA_TRACK,
  DEFAULT_MAX_PAGE_SIZE,
  DEFAULT_NOT_STARTED_ERROR,
  DEFAULT_TIME_ZONE,
  type BusinessError,
  type Scenario,
  type ScenarioOrder,
  type ScenarioTicket,
} from './scenario.js';
import { ticketStateAt, type Moment, type TicketState } from './tickets.js';

// The scenario indexed once when the simulator starts, and the lookup every order-level action shares.

export interface World {
  readonly scenario: Scenario;
  /** Looked up on every call: maps keep a 10,000-order scenario as fast as a small one. */
  readonly orders: ReadonlyMap<number, ScenarioOrder>;
  readonly tickets: ReadonlyMap<number, ScenarioTicket>;
  readonly zone: ZonedTime;
  readonly maxPageSize: number;
  readonly notStartedError: BusinessError;
}

export function createWorld(scenario: Scenario): World {
  return {
    scenario,
    orders: new Map(scenario.orders.map((o) => [o.id, o])),
    tickets: new Map((scenario.tickets ?? []).map((t) => [t.id, t])),
    zone: zonedTime(scenario.timeZone ?? DEFAULT_TIME_ZONE),
    maxPageSize: scenario.listOrders?.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE,
    notStartedError: scenario.notStartedError ?? DEFAULT_NOT_STARTED_ERROR,
  };
}

/** The job of a ticket: the `orders` entry with its id, for DATA_TRACK tickets only. */
export function jobOf(world: World, ticket: ScenarioTicket): ScenarioOrder | undefined {
  return ticket.pluginType === DATA_TRACK ? world.orders.get(ticket.id) : undefined;
}

export type DataTrackLookup =
  | { readonly kind: 'unknown' }
  /** An `orders` entry without a ticket: a job the scenario knows, with no ticket to list. */
  | { readonly kind: 'job'; readonly order: ScenarioOrder }
  | {
      readonly kind: 'ticket';
      readonly ticket: ScenarioTicket;
      readonly state: TicketState;
      readonly order: ScenarioOrder | undefined;
    };

/**
 * What `OrderId` (and `Tid`) name at `moment`. Unknown: no such ticket or job, not a DATA_TRACK ticket,
 * not created yet, or another tenant's. A call without Tid sees every tenant; an entry without tid
 * is seen by every Tid.
 */
/** A call without Tid sees every tenant; an entry without a tenant is seen by every Tid. */
export function visibleTo(asked: number | undefined, owner: number | undefined): boolean {
  return asked === undefined || owner === undefined || owner === asked;
}

export function lookUpDataTrack(
  world: World,
  orderId: number,
  tid: number | undefined,
  moment: Moment,
): DataTrackLookup {
  const order = world.orders.get(orderId);
  const ticket = world.tickets.get(orderId);
  if (ticket === undefined) {
    return order !== undefined && visibleTo(tid, order.tid) ? { kind: 'job', order } : { kind: 'unknown' };
  }
  if (ticket.pluginType !== DATA_TRACK || !visibleTo(tid, ticket.tid ?? order?.tid))
    return { kind: 'unknown' };
  const state = ticketStateAt(ticket, order, moment);
  return state === undefined ? { kind: 'unknown' } : { kind: 'ticket', ticket, state, order };
}

export function unknownOrder(orderId: number): BusinessError {
  return {
    code: 'UnknownError',
    message: `The order ${orderId} is not a data tracking order of this tenant.`,
  };
}
