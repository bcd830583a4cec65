import { faultAnswer, rejected, success, type PlannedAnswer } from './answer.js';
import type { Param } from './encoding.js';
import { optionalChoice, optionalPositive, optionalText, optionalTime, type ParamResult } from './params.js';
import { RESULT_SCOPES, type ResultScope, type ScenarioTicket, type TicketStatus } from './scenario.js';
import { ticketStateAt, type Moment, type TicketState } from './tickets.js';
import { jobOf, visibleTo, type World } from './world.js';

// ListOrders: the scenario's tickets at one moment, filtered, newest first, one page.

const DEFAULT_PAGE_SIZE = 10;
/** The scope of a call that names none (a guess: DMS does not document it). */
export const DEFAULT_SCOPE: ResultScope = 'AS_COMMITTER';

const ORDER_STATUSES = ['ALL', 'FINISHED', 'RUNNING'] as const;
const DATE_TYPES = ['CREATE_TIME', 'MODIFY_TIME'] as const;
const FINISHED: ReadonlySet<TicketStatus> = new Set(['success', 'fail', 'reject', 'cancel', 'closed']);

const TICKET_STATUS_DESC: Record<TicketStatus, string> = {
  toaudit: 'waiting for approval',
  approved: 'approved',
  processing: 'processing',
  success: 'success',
  fail: 'failed',
  reject: 'rejected',
  cancel: 'cancelled',
  closed: 'closed',
};

interface ListQuery {
  readonly pluginType: string | undefined;
  readonly scope: ResultScope;
  readonly status: (typeof ORDER_STATUSES)[number];
  readonly dateType: (typeof DATE_TYPES)[number];
  /** Whole seconds (epoch ms), both inclusive. */
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;
  readonly search: string | undefined;
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly tid: number | undefined;
}

interface Row {
  readonly ticket: ScenarioTicket;
  readonly state: TicketState;
  /** Epoch ms, whole seconds: what CreateTime and LastModifyTime show. */
  readonly createdMs: number;
  readonly modifiedMs: number;
}

export function planListOrders(
  world: World,
  params: readonly Param[],
  moment: Moment,
  requestId: string,
): PlannedAnswer {
  const query = readListQuery(params, world);
  if (!query.ok) return rejected(query.error);
  const fault = world.scenario.listOrders?.fault;
  const active =
    fault !== undefined &&
    moment.position >= fault.fromMs &&
    (fault.untilMs === undefined || moment.position < fault.untilMs);
  return faultAnswer(active ? fault : undefined, requestId, () =>
    page(world, query.value, moment, requestId),
  );
}

function page(world: World, query: ListQuery, moment: Moment, requestId: string): PlannedAnswer {
  const rows = matchingRows(world, query, moment);
  rows.sort((a, b) => b.createdMs - a.createdMs || b.ticket.id - a.ticket.id);
  const first = (query.pageNumber - 1) * query.pageSize;
  const order = rows.slice(first, first + query.pageSize).map((row) => ({
    OrderId: row.ticket.id,
    PluginType: row.ticket.pluginType,
    StatusCode: row.state.status,
    StatusDesc: TICKET_STATUS_DESC[row.state.status],
    Comment: row.ticket.comment,
    Committer: row.ticket.committer,
    CommitterId: row.ticket.committerId,
    CreateTime: world.zone.format(row.createdMs),
    LastModifyTime: world.zone.format(row.modifiedMs),
  }));
  return success(requestId, { TotalCount: rows.length, Orders: { Order: order } });
}

function matchingRows(world: World, query: ListQuery, moment: Moment): Row[] {
  const rows: Row[] = [];
  const search = query.search?.toLowerCase();
  for (const ticket of world.tickets.values()) {
    if (query.pluginType !== undefined && ticket.pluginType !== query.pluginType) continue;
    if (!ticket.scopes.includes(query.scope)) continue;
    const job = jobOf(world, ticket);
    if (!visibleTo(query.tid, ticket.tid ?? job?.tid)) continue;
    const state = ticketStateAt(ticket, job, moment);
    if (state === undefined || !statusMatches(query.status, state.status)) continue;
    const createdMs = wholeSecond(moment.cycleStartMs + state.createdAt);
    const modifiedMs = wholeSecond(moment.cycleStartMs + state.changedAt);
    const when = query.dateType === 'MODIFY_TIME' ? modifiedMs : createdMs;
    if (query.startMs !== undefined && when < query.startMs) continue;
    if (query.endMs !== undefined && when > query.endMs) continue;
    if (search !== undefined && !matchesSearch(ticket, search)) continue;
    rows.push({ ticket, state, createdMs, modifiedMs });
  }
  return rows;
}

function statusMatches(filter: ListQuery['status'], status: TicketStatus): boolean {
  if (filter === 'ALL') return true;
  return FINISHED.has(status) === (filter === 'FINISHED');
}

/** SearchContent: a case-insensitive part of the comment, the committer or the ticket id. */
function matchesSearch(ticket: ScenarioTicket, lowerCase: string): boolean {
  return [ticket.comment, ticket.committer, String(ticket.id)].some((field) =>
    field.toLowerCase().includes(lowerCase),
  );
}

function wholeSecond(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}

function readListQuery(params: readonly Param[], world: World): ParamResult<ListQuery> {
  // Checked in this order; the first problem is the answer.
  const scope = optionalChoice(params, 'OrderResultType', RESULT_SCOPES);
  if (!scope.ok) return scope;
  const status = optionalChoice(params, 'OrderStatus', ORDER_STATUSES);
  if (!status.ok) return status;
  const dateType = optionalChoice(params, 'SearchDateType', DATE_TYPES);
  if (!dateType.ok) return dateType;
  const start = optionalTime(params, 'StartTime', world.zone.parse);
  if (!start.ok) return start;
  const end = optionalTime(params, 'EndTime', world.zone.parse);
  if (!end.ok) return end;
  const pageNumber = optionalPositive(params, 'PageNumber');
  if (!pageNumber.ok) return pageNumber;
  const pageSize = optionalPositive(params, 'PageSize');
  if (!pageSize.ok) return pageSize;
  const tid = optionalPositive(params, 'Tid');
  if (!tid.ok) return tid;
  return {
    ok: true,
    value: {
      pluginType: optionalText(params, 'PluginType'),
      scope: scope.value ?? DEFAULT_SCOPE,
      status: status.value ?? 'ALL',
      dateType: dateType.value ?? 'CREATE_TIME',
      startMs: start.value,
      endMs: end.value,
      search: optionalText(params, 'SearchContent'),
      pageNumber: pageNumber.value ?? 1,
      // Larger pages are cut to the scenario's max_page_size, silently (a guess; see the README).
      pageSize: Math.min(pageSize.value ?? DEFAULT_PAGE_SIZE, world.maxPageSize),
      tid: tid.value,
    },
  };
}
