// Seeded random scrapes for comparing renderers: odd label text, awkward numbers, and orders that
// change, vanish and appear between scrapes the way config reloads and DMS answers make them.
import { STAGES, UNMEASURED, type JobTimes } from '../../src/collector/job-watch.js';
import type { OrderAnswer, OrderOutcome } from '../../src/collector/types.js';
import { TICKET_STATUSES, type TicketInfo, type TrackedOrder } from '../../src/orders.js';
import { JOB_STATUSES, type JobStatus, type Ratio } from '../../src/dms/types.js';

export type Random = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

// Everything prom-client escapes (\\, ", newline), what it leaves alone (\r, tab, NUL, U+2028, a
// lone surrogate), what could confuse a label parser ({}=,:), and multi-byte text.
const PIECES = [
  'a',
  'Z',
  '9',
  '_',
  '-',
  ' ',
  '"',
  '\\',
  '\n',
  '\\n',
  '\r',
  '\t',
  '{',
  '}',
  ',',
  '=',
  ':',
  'é',
  '中文',
  '🚀',
  '\u0000',
  '\u2028',
  '\ud800',
  '"}',
  'x\\"y',
];

export function randomText(random: Random): string {
  const length = Math.floor(random() * 8);
  return Array.from({ length }, () => pick(random, PIECES)).join('');
}

const STATUSES: readonly JobStatus[] = [...JOB_STATUSES, 'UNKNOWN'];
// Real ratios, and values the border would reject but the formatter must still write as prom-client does.
const RATIOS = [
  0,
  1,
  0.5,
  0.1 + 0.2,
  1e-7,
  5e-324,
  1 / 3,
  0.25,
  -0,
  1 - 1e-16,
  0.999,
  1e-21,
  NaN,
  Infinity,
  -Infinity,
  1e21,
];
const TIMES_MS = [
  0,
  1,
  0.5,
  1_800_000_000_000,
  1_764_400_000_123.5,
  123_456_789.123,
  1e24,
  1e-4,
  7e-10,
  NaN,
  Infinity,
  -5,
];

export function randomNumber(random: Random, pool: readonly number[] = TIMES_MS): number {
  return random() < 0.7 ? pick(random, pool) : random() * 10 ** Math.floor(random() * 16 - 4);
}

export function randomAnswer(random: Random): OrderAnswer {
  if (random() < 0.05) return { kind: 'no_job' };
  if (random() < 0.3) {
    const code =
      random() < 0.5 ? pick(random, ['timeout', 'Throttling.User', 'http_503']) : randomText(random);
    return { kind: 'failed', error: { code, message: 'm', requestId: undefined } };
  }
  const ratio = () => randomNumber(random, RATIOS) as Ratio;
  const status = pick(random, STATUSES);
  const degree = {
    status,
    rawStatus: status,
    statusDesc: randomText(random),
    listRatio: ratio(),
    downloadRatio: ratio(),
    filterRatio: ratio(),
    requestId: undefined,
  };
  return { kind: random() < 0.5 ? 'fresh' : 'cached', degree };
}

export function randomOrder(random: Random, id: number): TrackedOrder {
  const order = {
    id,
    name: randomText(random),
    profile: random() < 0.5 ? 'default' : randomText(random),
    tid: random() < 0.5 ? undefined : Math.floor(random() * 1e6),
    consoleUrl: random() < 0.7 ? undefined : `https://dms.example/${randomText(random)}`,
  };
  return random() < 0.6
    ? { ...order, source: 'config' }
    : { ...order, source: 'discovery', ticket: randomTicket(random) };
}

/** A discovered ticket: odd comments (long ones are cut), with or without its detail. */
function randomTicket(random: Random): TicketInfo {
  const comment = random() < 0.1 ? randomText(random).repeat(40) : randomText(random);
  return {
    status: random() < 0.9 ? pick(random, TICKET_STATUSES) : 'unknown',
    committer: randomText(random),
    comment,
    createdMs: random() < 0.2 ? undefined : randomNumber(random),
    lastModifiedMs: randomNumber(random),
    approvedMs: random() < 0.4 ? undefined : randomNumber(random),
    detail:
      random() < 0.3
        ? undefined
        : {
            database: randomText(random),
            tables: Array.from({ length: Math.floor(random() * 4) }, () => randomText(random)),
            rangeStartMs: random() < 0.2 ? undefined : randomNumber(random),
            rangeEndMs: random() < 0.2 ? undefined : randomNumber(random),
          },
  };
}

/** A job's measured times: none (the common case after a start), some, or all. */
function randomTimes(random: Random): JobTimes {
  if (random() < 0.4) return UNMEASURED;
  const maybe = (): number | undefined => (random() < 0.3 ? undefined : randomNumber(random));
  const stageMs: Partial<Record<(typeof STAGES)[number], number>> = {};
  for (const stage of STAGES) {
    const ms = maybe();
    if (ms !== undefined) stageMs[stage] = ms;
  }
  return { statusSinceMs: maybe(), startedMs: maybe(), stageMs, jobMs: maybe() };
}

export function randomOutcome(random: Random, id: number): OrderOutcome {
  const lastSuccessMs = random() < 0.3 ? undefined : randomNumber(random);
  const order = randomOrder(random, id);
  return { order, answer: randomAnswer(random), lastSuccessMs, times: randomTimes(random) };
}

/**
 * The next scrape's outcomes: most orders as they were (the same objects, or equal copies as a
 * fresh DMS answer makes them), some with a new answer, new labels or a new last success time,
 * some gone, some new, sometimes in a new order.
 */
export function evolve(
  random: Random,
  outcomes: readonly OrderOutcome[],
  nextId: () => number,
): OrderOutcome[] {
  const next = outcomes.flatMap((outcome): OrderOutcome[] => {
    const roll = random();
    if (roll < 0.55) return [outcome];
    if (roll < 0.7) return [{ ...outcome, answer: copyAnswer(outcome.answer) }];
    if (roll < 0.75) return [{ ...outcome, answer: randomAnswer(random) }];
    if (roll < 0.8) return [{ ...outcome, answer: tweakAnswer(random, outcome.answer) }];
    if (roll < 0.87) return [{ ...outcome, order: randomOrder(random, outcome.order.id) }];
    if (roll < 0.92) return [{ ...outcome, lastSuccessMs: randomNumber(random) }];
    if (roll < 0.95) return [{ ...outcome, times: randomTimes(random) }];
    return [];
  });
  const added = Math.floor(random() * 4);
  for (let i = 0; i < added; i++) next.push(randomOutcome(random, nextId()));
  return random() < 0.1 ? next.reverse() : next;
}

/** The answer with exactly one thing that reaches the text changed (a status, a ratio or a code). */
function tweakAnswer(random: Random, answer: OrderAnswer): OrderAnswer {
  if (answer.kind === 'no_job') return randomAnswer(random);
  if (answer.kind === 'failed')
    return { kind: 'failed', error: { ...answer.error, code: `${answer.error.code}x` } };
  const { degree } = answer;
  const field = pick(random, ['status', 'listRatio', 'downloadRatio', 'filterRatio'] as const);
  if (field === 'status') {
    const status = pick(
      random,
      STATUSES.filter((s) => s !== degree.status),
    );
    return { kind: answer.kind, degree: { ...degree, status } };
  }
  const value = degree[field] === 0.5 ? 0.25 : 0.5;
  return { kind: answer.kind, degree: { ...degree, [field]: value as Ratio } };
}

/** An equal answer in new objects, fresh and cached swapped: it must render the same. */
function copyAnswer(answer: OrderAnswer): OrderAnswer {
  if (answer.kind === 'no_job') return { kind: 'no_job' };
  if (answer.kind === 'failed') return { kind: 'failed', error: { ...answer.error } };
  return { kind: answer.kind === 'fresh' ? 'cached' : 'fresh', degree: { ...answer.degree } };
}
