import type { OrderAnswer, OrderOutcome } from '../collector/types.js';
import { TICKET_STATUSES, type TicketInfo, type TicketStatus, type TrackedOrder } from '../orders.js';
import { JOB_STATUSES, type JobDegree, type JobStatus } from '../dms/types.js';
import { METRICS } from './catalogue.js';
import { escapeHelp, escapeLabelValue, formatValue } from './exposition.js';

// Kept as text because a warm scrape of 10,000 final orders through prom-client gauges spent most
// of its time setting gauges and formatting the same lines again. An order's lines depend only on
// its labels, its answer and its last success time, so they are kept between scrapes and rebuilt
// only when one of those changes.

const EXPORTED_STATUSES: readonly JobStatus[] = [...JOB_STATUSES, 'UNKNOWN'];
const EXPORTED_TICKET_STATUSES: readonly TicketStatus[] = [...TICKET_STATUSES, 'unknown'];
/** A comment is a label value: cut, so a long one cannot blow up every series' size. */
export const MAX_COMMENT_LABEL = 120;
const STAGES = ['list', 'download', 'filter'] as const;

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

/** An order's lines in each of its families. */
interface OrderLines {
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
];

/**
 * One order's sample lines in each order family, in `ORDER_FAMILIES` order ('' where it has none).
 * Every line starts with '\n', which is how prom-client joins a family's lines after its HELP and
 * TYPE lines. Gauge lines are the same in the text format and OpenMetrics, so one text serves both.
 */
export interface OrderText {
  readonly lines: readonly string[];
  /** The UTF-8 size of each of `lines`, so that a body's size is known before it is written. */
  readonly bytes: readonly number[];
}

/** Per-order text kept between scrapes. Holds only the orders of the last `textsFor` call. */
export interface OrderTextCache {
  /** The text of each outcome, in order: reused when nothing it is made of changed, else rebuilt. */
  textsFor(outcomes: readonly OrderOutcome[]): OrderText[];
  /** How many orders have text kept. */
  readonly size: number;
}

interface Entry {
  readonly order: TrackedOrder;
  readonly answer: OrderAnswer;
  readonly lastSuccessMs: number | undefined;
  readonly text: OrderText;
}

export function createOrderTextCache(): OrderTextCache {
  let entries = new Map<number, Entry>();
  return {
    textsFor(outcomes) {
      // A new map per call bounds memory by the current orders: one removed from the config is
      // simply not carried over. This runs synchronously, so concurrent scrapes cannot interleave
      // in it; a scrape still on the old config during a reload merely costs the next one rebuilds.
      const kept = new Map<number, Entry>();
      const texts = outcomes.map((outcome) => {
        const previous = entries.get(outcome.order.id);
        const entry = previous !== undefined && sameText(previous, outcome) ? previous : entryFor(outcome);
        kept.set(outcome.order.id, entry);
        return entry.text;
      });
      entries = kept;
      return texts;
    },
    get size() {
      return entries.size;
    },
  };
}

/** Whether the outcome renders to the entry's text. Identity first (the common, warm case), then values. */
function sameText(entry: Entry, outcome: OrderOutcome): boolean {
  return (
    Object.is(entry.lastSuccessMs, outcome.lastSuccessMs) &&
    sameLabels(entry.order, outcome.order) &&
    sameAnswer(entry.answer, outcome.answer)
  );
}

function sameLabels(a: TrackedOrder, b: TrackedOrder): boolean {
  if (a === b) return true;
  // A discovered order's ticket is a new object only when discovery runs again.
  return (
    a.id === b.id &&
    a.name === b.name &&
    a.profile === b.profile &&
    a.tid === b.tid &&
    a.source === b.source &&
    a.ticket === b.ticket
  );
}

// A fresh answer and a cached one render alike; only what reaches the text is compared.
function sameAnswer(a: OrderAnswer, b: OrderAnswer): boolean {
  if (a === b) return true;
  if (a.kind === 'failed' || b.kind === 'failed') {
    return a.kind === 'failed' && b.kind === 'failed' && a.error.code === b.error.code;
  }
  if (a.kind === 'no_job' || b.kind === 'no_job') return a.kind === b.kind;
  return sameDegree(a.degree, b.degree);
}

function sameDegree(a: JobDegree, b: JobDegree): boolean {
  return (
    a === b ||
    (a.status === b.status &&
      Object.is(a.listRatio, b.listRatio) &&
      Object.is(a.downloadRatio, b.downloadRatio) &&
      Object.is(a.filterRatio, b.filterRatio))
  );
}

function entryFor(outcome: OrderOutcome): Entry {
  const { order, answer, lastSuccessMs } = outcome;
  return { order, answer, lastSuccessMs, text: orderText(outcome) };
}

function orderText(outcome: OrderOutcome): OrderText {
  const named = orderLines(outcome);
  const lines = ORDER_FAMILIES.map((family) => named[family.lines]);
  return { lines, bytes: lines.map((line) => Buffer.byteLength(line)) };
}

function orderLines({ order, answer, lastSuccessMs }: OrderOutcome): OrderLines {
  const id = `order_id="${escapeLabelValue(String(order.id))}"`;
  const common = {
    info: `\n${INFO}{${infoLabels(id, order)}} 1`,
    lastSuccess:
      lastSuccessMs === undefined ? '' : `\n${LAST_SUCCESS}{${id}} ${formatValue(lastSuccessMs / 1000)}`,
    ...ticketLines(id, order.ticket),
  };
  if (answer.kind === 'no_job') return { ...common, up: '', ratios: '', statuses: '', error: '' };
  if (answer.kind === 'failed') {
    const code = escapeLabelValue(answer.error.code);
    return {
      ...common,
      up: `\n${UP}{${id}} 0`,
      ratios: '',
      statuses: '',
      error: `\n${ERROR_INFO}{${id},code="${code}"} 1`,
    };
  }
  return {
    ...common,
    up: `\n${UP}{${id}} 1`,
    ratios: ratioLines(id, answer.degree),
    statuses: statusLines(id, answer.degree.status),
    error: '',
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
    ['comment', (ticket?.comment ?? '').slice(0, MAX_COMMENT_LABEL)],
    ['database', ticket?.detail?.database ?? ''],
  ];
  return [id, ...values.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)].join(',');
}

/** The families only a discovered ticket has. */
function ticketLines(
  id: string,
  ticket: TicketInfo | undefined,
): Pick<OrderLines, 'ticket' | 'rangeStart' | 'rangeEnd' | 'tables'> {
  if (ticket === undefined) return { ticket: '', rangeStart: '', rangeEnd: '', tables: '' };
  const detail = ticket.detail;
  const seconds = (ms: number | undefined, family: string): string =>
    ms === undefined ? '' : `\n${family}{${id}} ${formatValue(ms / 1000)}`;
  return {
    ticket: EXPORTED_TICKET_STATUSES.map(
      (state) =>
        `\n${TICKET_STATUS}{${id},status="${escapeLabelValue(state)}"} ${state === ticket.status ? 1 : 0}`,
    ).join(''),
    rangeStart: seconds(detail?.rangeStartMs, RANGE_START),
    rangeEnd: seconds(detail?.rangeEndMs, RANGE_END),
    tables: detail === undefined ? '' : `\n${TABLES}{${id}} ${formatValue(detail.tables.length)}`,
  };
}
