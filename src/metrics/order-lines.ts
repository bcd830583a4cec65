import { STAGES, type JobTimes } from '../collector/job-watch.js';
import type { OrderOutcome } from '../collector/types.js';
import { TICKET_STATUSES, type TicketInfo, type TicketStatus, type TrackedOrder } from '../orders.js';
import { JOB_STATUSES, type JobDegree, type JobStatus } from '../dms/types.js';
import { METRICS } from './catalogue.js';
import { escapeHelp, escapeLabelValue, formatValue } from './exposition.js';

// The sample lines of one order in each order family, written as prom-client writes them
// (order-text.ts keeps them between scrapes).

const EXPORTED_STATUSES: readonly JobStatus[] = [...JOB_STATUSES, 'UNKNOWN'];
const EXPORTED_TICKET_STATUSES: readonly TicketStatus[] = [...TICKET_STATUSES, 'unknown'];
/** A comment is a label value: cut, so a long one cannot blow up every series' size. */
export const MAX_COMMENT_LABEL = 120;

// Sample lines use the escaped family name, as prom-client does (a no-op for legacy names).
const UP = escapeHelp(METRICS.up.name);
const RATIO = escapeHelp(METRICS.stageCompletionRatio.name);
const STATUS = escapeHelp(METRICS.jobStatus.name);
const LAST_SUCCESS = escapeHelp(METRICS.lastSuccessTimestamp.name);
const INFO = escapeHelp(METRICS.orderInfo.name);
const ERROR_INFO = escapeHelp(METRICS.orderErrorInfo.name);
const TICKET_STATUS = escapeHelp(METRICS.ticketStatus.name);
const RANGE_START = escapeHelp(METRICS.trackedRangeStart.name);
const RANGE_END = escapeHelp(METRICS.trackedRangeEnd.name);
const TABLES = escapeHelp(METRICS.trackedTables.name);
const STATUS_SINCE = escapeHelp(METRICS.jobStatusSince.name);
const STARTED = escapeHelp(METRICS.jobStarted.name);
const STAGE_DURATION = escapeHelp(METRICS.stageDuration.name);
const JOB_DURATION = escapeHelp(METRICS.jobDuration.name);
const CREATED = escapeHelp(METRICS.ticketCreated.name);
const APPROVED = escapeHelp(METRICS.ticketApproved.name);

/** An order's lines in each of its families. */
export interface OrderLines {
  readonly up: string;
  readonly ratios: string;
  readonly statuses: string;
  readonly lastSuccess: string;
  readonly info: string;
  readonly error: string;
  readonly ticket: string;
  readonly rangeStart: string;
  readonly rangeEnd: string;
  readonly tables: string;
  readonly statusSince: string;
  readonly started: string;
  readonly stageDurations: string;
  readonly jobDuration: string;
  readonly created: string;
  readonly approved: string;
}

/** The order families, in the order they are printed (the order prom-client printed them in). */
export const ORDER_FAMILIES: ReadonlyArray<{
  readonly metric: { readonly name: string; readonly help: string };
  readonly lines: keyof OrderLines;
}> = [
  { metric: METRICS.up, lines: 'up' },
  { metric: METRICS.stageCompletionRatio, lines: 'ratios' },
  { metric: METRICS.jobStatus, lines: 'statuses' },
  { metric: METRICS.lastSuccessTimestamp, lines: 'lastSuccess' },
  { metric: METRICS.orderInfo, lines: 'info' },
  { metric: METRICS.orderErrorInfo, lines: 'error' },
  { metric: METRICS.ticketStatus, lines: 'ticket' },
  { metric: METRICS.trackedRangeStart, lines: 'rangeStart' },
  { metric: METRICS.trackedRangeEnd, lines: 'rangeEnd' },
  { metric: METRICS.trackedTables, lines: 'tables' },
  { metric: METRICS.jobStatusSince, lines: 'statusSince' },
  { metric: METRICS.jobStarted, lines: 'started' },
  { metric: METRICS.stageDuration, lines: 'stageDurations' },
  { metric: METRICS.jobDuration, lines: 'jobDuration' },
  { metric: METRICS.ticketCreated, lines: 'created' },
  { metric: METRICS.ticketApproved, lines: 'approved' },
];

/** One order's lines, in every order family ('' where it has none). */
export function orderLines({ order, answer, lastSuccessMs, times }: OrderOutcome): OrderLines {
  const id = `order_id="${escapeLabelValue(String(order.id))}"`;
  const common = {
    info: `\n${INFO}{${infoLabels(id, order)}} 1`,
    lastSuccess: secondsLine(LAST_SUCCESS, id, lastSuccessMs),
    ...ticketLines(id, order.ticket),
  };
  if (answer.kind === 'no_job') return { ...common, ...NO_JOB_LINES, error: '' };
  if (answer.kind === 'failed') {
    const code = escapeLabelValue(answer.error.code);
    return {
      ...common,
      ...NO_JOB_LINES,
      up: `\n${UP}{${id}} 0`,
      error: `\n${ERROR_INFO}{${id},code="${code}"} 1`,
    };
  }
  return {
    ...common,
    up: `\n${UP}{${id}} 1`,
    ratios: ratioLines(id, answer.degree),
    statuses: statusLines(id, answer.degree.status),
    error: '',
    ...timeLines(id, times),
  };
}

/** The job families of an order without a job answer in this scrape: none, as for its ratios. */
const NO_JOB_LINES = {
  up: '',
  ratios: '',
  statuses: '',
  statusSince: '',
  started: '',
  stageDurations: '',
  jobDuration: '',
} as const;

/** `\nfamily{labels} seconds` for a time in ms, or '' when there is none. */
function secondsLine(family: string, labels: string, ms: number | undefined): string {
  return ms === undefined ? '' : `\n${family}{${labels}} ${formatValue(ms / 1000)}`;
}

function timeLines(
  id: string,
  times: JobTimes,
): Pick<OrderLines, 'statusSince' | 'started' | 'stageDurations' | 'jobDuration'> {
  return {
    statusSince: secondsLine(STATUS_SINCE, id, times.statusSinceMs),
    started: secondsLine(STARTED, id, times.startedMs),
    stageDurations: STAGES.map((stage) =>
      secondsLine(STAGE_DURATION, `${id},stage="${stage}"`, times.stageMs[stage]),
    ).join(''),
    jobDuration: secondsLine(JOB_DURATION, id, times.jobMs),
  };
}

function ratioLines(id: string, degree: JobDegree): string {
  const ratios = { list: degree.listRatio, download: degree.downloadRatio, filter: degree.filterRatio };
  return STAGES.map((stage) => `\n${RATIO}{${id},stage="${stage}"} ${formatValue(ratios[stage])}`).join('');
}

function statusLines(id: string, current: JobStatus): string {
  return EXPORTED_STATUSES.map(
    (state) => `\n${STATUS}{${id},status="${escapeLabelValue(state)}"} ${state === current ? 1 : 0}`,
  ).join('');
}

/** order_info's labels: the same set for every order ('' where an order has no value). */
function infoLabels(id: string, order: TrackedOrder): string {
  const tid = order.tid === undefined ? '' : String(order.tid);
  const ticket = order.ticket;
  const values: Array<[string, string]> = [
    ['name', order.name],
    ['profile', order.profile],
    ['tid', tid],
    ['source', order.source],
    ['committer', ticket?.committer ?? ''],
    ['comment', firstCharacters(ticket?.comment ?? '', MAX_COMMENT_LABEL)],
    ['database', ticket?.detail?.database ?? ''],
    ['console_url', order.consoleUrl ?? ''],
  ];
  return [id, ...values.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)].join(',');
}

/** The families only a discovered ticket has. */
function ticketLines(
  id: string,
  ticket: TicketInfo | undefined,
): Pick<OrderLines, 'ticket' | 'rangeStart' | 'rangeEnd' | 'tables' | 'created' | 'approved'> {
  if (ticket === undefined)
    return { ticket: '', rangeStart: '', rangeEnd: '', tables: '', created: '', approved: '' };
  const detail = ticket.detail;
  return {
    ticket: EXPORTED_TICKET_STATUSES.map(
      (state) =>
        `\n${TICKET_STATUS}{${id},status="${escapeLabelValue(state)}"} ${state === ticket.status ? 1 : 0}`,
    ).join(''),
    rangeStart: secondsLine(RANGE_START, id, detail?.rangeStartMs),
    rangeEnd: secondsLine(RANGE_END, id, detail?.rangeEndMs),
    tables: detail === undefined ? '' : `\n${TABLES}{${id}} ${formatValue(detail.tables.length)}`,
    created: secondsLine(CREATED, id, ticket.createdMs),
    approved: secondsLine(APPROVED, id, ticket.approvedMs),
  };
}

/** The first `max` characters (code points) of `text`, so that a surrogate pair is never split. */
function firstCharacters(text: string, max: number): string {
  return text.length <= max ? text : Array.from(text).slice(0, max).join('');
}
