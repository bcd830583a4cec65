import type { JobTimes } from '../collector/job-watch.js';
import type { OrderAnswer, OrderOutcome } from '../collector/types.js';
import type { TrackedOrder } from '../orders.js';
import type { JobDegree } from '../dms/types.js';
import { ORDER_FAMILIES, orderLines } from './order-lines.js';

// Kept as text because a warm scrape of 10,000 final orders through prom-client gauges spent most
// of its time setting gauges and formatting the same lines again. An order's lines depend only on
// its labels, its answer, its last success time and its job's times, so they are kept between
// scrapes and rebuilt only when one of those changes.

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
  readonly times: JobTimes;
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

/**
 * Whether the outcome renders to the entry's text. Identity first (the common, warm case), then
 * values. A job's times are a new object only when its state changes (job-watch.ts).
 */
function sameText(entry: Entry, outcome: OrderOutcome): boolean {
  return (
    Object.is(entry.lastSuccessMs, outcome.lastSuccessMs) &&
    entry.times === outcome.times &&
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
    a.consoleUrl === b.consoleUrl &&
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
  const { order, answer, lastSuccessMs, times } = outcome;
  return { order, answer, lastSuccessMs, times, text: orderText(outcome) };
}

function orderText(outcome: OrderOutcome): OrderText {
  const named = orderLines(outcome);
  const lines = ORDER_FAMILIES.map((family) => named[family.lines]);
  return { lines, bytes: lines.map((line) => Buffer.byteLength(line)) };
}
