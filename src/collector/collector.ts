import type { Logger } from 'pino';
import type { ScrapeSettings } from '../config/schema.js';
import { DEADLINE_ERROR, RATE_LIMIT_ERROR, type DmsResult } from '../dms/types.js';
import { NO_JOB_TICKET_STATUSES, type TrackedOrder } from '../orders.js';
import { systemClock, type Clock } from '../util/clock.js';
import { jobDegreeCaller, type CallTarget, type SharedCall } from './job-degree-calls.js';
import { UNMEASURED, type Completion } from './job-watch.js';
import {
  emptyMemory,
  orderKey,
  remember,
  reusable,
  staleDegree,
  type Change,
  type OrderMemory,
} from './order-state.js';
import type { OrderAnswer, OrderOutcome, ScrapeRecorder, ScrapeResult } from './types.js';

/** Everything one scrape needs from the current configuration; swapped as a whole on reload. */
export interface ScrapeTarget extends CallTarget {
  /** The orders this scrape answers. */
  readonly orders: readonly TrackedOrder[];
  /**
   * Every order the exporter follows (the same array while nothing changes): memory of an order no
   * longer in it is forgotten. A /probe scrape answers one order but keeps the others' memory.
   */
  readonly population: readonly TrackedOrder[];
  readonly settings: ScrapeSettings;
}

export interface CollectorDeps {
  readonly recorder: ScrapeRecorder;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** 0..1 for retry jitter; Math.random unless a test fixes it. */
  readonly random?: () => number;
}

export interface Collector {
  /** Answers every order of `target` within `timeoutMs`. Never rejects: failures are outcomes. */
  collect(target: ScrapeTarget, timeoutMs: number): Promise<ScrapeResult>;
  /** The last answer known for each order, without calling DMS (for the landing page). */
  lastKnown(orders: readonly TrackedOrder[]): Array<{ order: TrackedOrder; memory: Readonly<OrderMemory> }>;
  /**
   * Drops what is remembered about orders outside the population (orders /probe stopped following);
   * a call still running for one of them is not remembered either.
   */
  forget(orders: readonly TrackedOrder[]): void;
}

interface Pending {
  readonly index: number;
  readonly order: TrackedOrder;
  readonly key: string;
  readonly call: SharedCall;
  done: boolean;
}

export function createCollector(deps: CollectorDeps): Collector {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const memories = new Map<string, OrderMemory>();
  // Orders /probe asks about without following them: outside every population, so forgetting by
  // population would drop their answers at each start, reload or discovery run. /probe bounds them
  // and tells `forget` when one goes.
  const probedOnly = new Set<string>();
  const inFlight = new Map<string, SharedCall>();
  // Only the newest population may forget orders: a scrape still running on the previous one must
  // not drop what the new one added. Forgetting runs once per new population, not on every scrape.
  let newestPopulation: readonly TrackedOrder[] | undefined;
  let forgottenFor: readonly TrackedOrder[] | undefined;

  const memoryOf = (key: string): OrderMemory => {
    let memory = memories.get(key);
    if (memory === undefined) {
      memory = emptyMemory();
      memories.set(key, memory);
    }
    return memory;
  };

  /** The shared call for an order, started (oldest answers first: the caller sorts) if none runs. */
  const callFor = (order: TrackedOrder, key: string, start: (order: TrackedOrder) => SharedCall) => {
    const running = inFlight.get(key);
    if (running !== undefined && !running.abandoned) {
      deps.recorder.answerReused('in_flight');
      return running;
    }
    if (order.source === 'probe') probedOnly.add(key);
    const call = start(order);
    inFlight.set(key, call);
    // The memory exists from the call's start; an order forgotten before its call ends (removed by
    // a reload, or no longer probed) stays forgotten, so memory never outgrows the orders followed.
    memoryOf(key);
    // Registered before any scrape's own reaction, so memory is up to date when they read it.
    void call.settled.then(({ result, answered }) => {
      if (inFlight.get(key) === call) inFlight.delete(key);
      const memory = memories.get(key);
      if (!answered || memory === undefined) return;
      const { change, completed } = remember(memory, result, clock.now());
      logChange(deps.logger, order, result, change);
      reportCompleted(deps.recorder, order.profile, completed);
    });
    return call;
  };

  const outcome = (order: TrackedOrder, key: string, answer: OrderAnswer): OrderOutcome => {
    const memory = memories.get(key);
    return { order, answer, lastSuccessMs: memory?.lastSuccessMs, times: memory?.watch?.times ?? UNMEASURED };
  };

  /** For an order whose call did not finish in time: its recent answer, or why there is none. */
  const unrefreshed = (target: ScrapeTarget, p: Pending): OrderAnswer => {
    const degree = staleDegree(memories.get(p.key), target.settings, clock.now());
    if (degree !== undefined) {
      deps.recorder.answerReused('stale');
      return { kind: 'cached', degree };
    }
    return { kind: 'failed', error: p.call.phase === 'rate_limit' ? RATE_LIMIT_ERROR : DEADLINE_ERROR };
  };

  return {
    async collect(target, timeoutMs) {
      newestPopulation = target.population;
      const startedMs = clock.now();
      const deadlineMs = startedMs + timeoutMs;
      const outcomes = new Array<OrderOutcome>(target.orders.length);
      const needed: Array<{ index: number; order: TrackedOrder; key: string; lastAttemptMs: number }> = [];
      target.orders.forEach((order, index) => {
        const key = orderKey(order);
        // A ticket waiting for approval (or stopped before it ran) has no job to ask about.
        if (order.source === 'discovery' && NO_JOB_TICKET_STATUSES.has(order.ticket.status)) {
          outcomes[index] = outcome(order, key, { kind: 'no_job' });
          return;
        }
        const memory = memories.get(key);
        const reason = reusable(memory, target.settings, startedMs);
        if (reason === undefined || memory === undefined) {
          needed.push({ index, order, key, lastAttemptMs: memory?.lastAttemptMs ?? -Infinity });
          return;
        }
        deps.recorder.answerReused(reason);
        const answer: OrderAnswer =
          memory.lastError === undefined && memory.lastDegree !== undefined
            ? { kind: 'cached', degree: memory.lastDegree }
            : { kind: 'failed', error: memory.lastError ?? DEADLINE_ERROR };
        outcomes[index] = outcome(order, key, answer);
      });
      // Oldest answers first: when the deadline or the rate limit cuts a scrape short, the orders
      // left out are the ones asked most recently, so every order is refreshed within a few scrapes.
      needed.sort((a, b) => a.lastAttemptMs - b.lastAttemptMs);
      const start = jobDegreeCaller(target, { recorder: deps.recorder, clock, random });
      const pending: Pending[] = needed.map((n) => {
        const call = callFor(n.order, n.key, start);
        call.join(deadlineMs);
        return { ...n, call, done: false };
      });
      await settleOrTimeOut(pending, timeoutMs, (p, result) => {
        outcomes[p.index] = outcome(p.order, p.key, answerOf(result));
      });
      for (const p of pending) {
        if (!p.done) outcomes[p.index] = outcome(p.order, p.key, unrefreshed(target, p));
        p.call.leave();
      }
      if (target.population === newestPopulation && target.population !== forgottenFor) {
        forgottenFor = target.population;
        forgetRemovedOrders(memories, target.population, probedOnly);
      }
      return { outcomes, durationMs: clock.now() - startedMs, timeoutMs };
    },
    lastKnown(orders) {
      return orders.map((order) => ({ order, memory: memories.get(orderKey(order)) ?? emptyMemory() }));
    },
    forget(orders) {
      for (const order of orders) {
        memories.delete(orderKey(order));
        probedOnly.delete(orderKey(order));
      }
    },
  };

  /** Waits for every pending call, or for the deadline: one timer per scrape, not one per order. */
  function settleOrTimeOut(
    pending: Pending[],
    timeoutMs: number,
    onResult: (p: Pending, result: DmsResult) => void,
  ): Promise<void> {
    let left = pending.length;
    if (left === 0) return Promise.resolve();
    return new Promise((resolve) => {
      let finished = false;
      const cancel = clock.after(timeoutMs, () => {
        finished = true;
        resolve();
      });
      for (const p of pending) {
        void p.call.settled.then(({ result }) => {
          if (finished) return;
          p.done = true;
          onResult(p, result);
          left -= 1;
          if (left > 0) return;
          finished = true;
          cancel();
          resolve();
        });
      }
    });
  }
}

function answerOf(result: DmsResult): OrderAnswer {
  return result.ok ? { kind: 'fresh', degree: result.value } : { kind: 'failed', error: result.error };
}

/** Memory is bounded by the orders followed: one that is gone is forgotten. */
function forgetRemovedOrders(
  memories: Map<string, OrderMemory>,
  orders: readonly TrackedOrder[],
  probedOnly: Set<string>,
): void {
  const keep = new Set(orders.map(orderKey));
  // A probed order that is followed now belongs to the population: forgotten when it leaves it.
  for (const key of probedOnly) if (keep.has(key)) probedOnly.delete(key);
  for (const key of memories.keys()) if (!keep.has(key) && !probedOnly.has(key)) memories.delete(key);
}

function reportCompleted(recorder: ScrapeRecorder, profile: string, completed: readonly Completion[]): void {
  for (const { part, ms } of completed) {
    if (part === 'job') recorder.jobCompleted(profile, ms / 1000);
    else recorder.stageCompleted(profile, part, ms / 1000);
  }
}

function logChange(logger: Logger, order: TrackedOrder, result: DmsResult, change: Change): void {
  const fields = { order_id: order.id, profile: order.profile };
  if (change === 'failing' && !result.ok) {
    const { code, message, requestId } = result.error;
    logger.warn(
      { ...fields, code, request_id: requestId, err_message: message },
      'cannot read order from DMS',
    );
  } else if (change === 'recovered') {
    logger.info(fields, 'order readable again');
  } else if (change === 'unknown_status' && result.ok) {
    logger.warn(
      { ...fields, job_status: result.value.rawStatus },
      'DMS sent a job status this exporter does not know; exported as UNKNOWN',
    );
  }
}
