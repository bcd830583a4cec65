import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Order, ScrapeSettings } from '../config/schema.js';
import {
  ACTION_GET_JOB_DEGREE,
  DEADLINE_ERROR,
  FINAL_STATUSES,
  type DmsClient,
  type DmsResult,
} from '../dms/types.js';
import { raceAbort } from '../util/abort.js';
import { systemClock, type Clock } from '../util/clock.js';
import { err } from '../util/result.js';
import { GAVE_UP, type Limiter } from './limiter.js';
import { emptyMemory, orderKey, remember, type OrderMemory } from './order-state.js';
import type { ApiRecorder, OrderAnswer, OrderOutcome, ScrapeResult } from './types.js';

/** Everything one scrape needs from the current configuration; swapped as a whole on reload. */
export interface ScrapeTarget {
  readonly orders: readonly Order[];
  readonly settings: ScrapeSettings;
  readonly limiter: Limiter;
  clientFor(profile: string): DmsClient;
}

export interface CollectorDeps {
  readonly recorder: ApiRecorder;
  readonly logger: Logger;
  readonly clock?: Clock;
}

export interface Collector {
  /** Asks DMS about every order, within `timeoutMs`. Never rejects: failures are outcomes. */
  collect(target: ScrapeTarget, timeoutMs: number): Promise<ScrapeResult>;
  /** The last answer known for each order, without calling DMS (for the landing page). */
  lastKnown(orders: readonly Order[]): Array<{ order: Order; memory: Readonly<OrderMemory> }>;
}

export function createCollector(deps: CollectorDeps): Collector {
  const clock = deps.clock ?? systemClock;
  const now = (): number => clock.now();
  const memories = new Map<string, OrderMemory>();
  const inFlight = new Map<string, Promise<DmsResult>>();

  const memoryOf = (key: string): OrderMemory => {
    let memory = memories.get(key);
    if (memory === undefined) {
      memory = emptyMemory();
      memories.set(key, memory);
    }
    return memory;
  };

  /** One DMS call, its bookkeeping done exactly once however many scrapes wait for it. */
  const callDms = (
    target: ScrapeTarget,
    order: Order,
    key: string,
    deadlineMs: number,
    signal: AbortSignal,
  ) => {
    const client = target.clientFor(order.profile);
    const call = target.limiter
      .run(async () => {
        const startedMs = now();
        const result = await client.getJobDegree(
          { orderId: order.id, tid: order.tid },
          { signal, timeoutMs: Math.max(1, deadlineMs - startedMs) },
        );
        const error = result.ok ? undefined : result.error.code;
        deps.recorder.requestFinished(ACTION_GET_JOB_DEGREE, (now() - startedMs) / 1000, error);
        return result;
      }, signal)
      .then((result): DmsResult => (result === GAVE_UP ? err(DEADLINE_ERROR) : result));
    const settled = call.then((result) => {
      logTransition(deps.logger, order, result, remember(memoryOf(key), result, now()));
      return result;
    });
    inFlight.set(key, settled);
    void settled.finally(() => inFlight.delete(key));
    return settled;
  };

  const answerFor = async (
    target: ScrapeTarget,
    order: Order,
    deadlineMs: number,
    signal: AbortSignal,
  ): Promise<OrderAnswer> => {
    const key = orderKey(order);
    const memory = memoryOf(key);
    const cached = memory.lastDegree;
    if (
      cached !== undefined &&
      memory.lastErrorCode === undefined &&
      FINAL_STATUSES.has(cached.status) &&
      memory.lastSuccessMs !== undefined &&
      now() - memory.lastSuccessMs < target.settings.terminalRecheckMs
    ) {
      deps.recorder.answerReused('terminal_cache');
      return { kind: 'cached', degree: cached };
    }
    const shared = inFlight.get(key);
    if (shared !== undefined) deps.recorder.answerReused('in_flight');
    const call = shared ?? callDms(target, order, key, deadlineMs, signal);
    const result = await raceAbort(call, signal, (): DmsResult => err(DEADLINE_ERROR));
    return result.ok ? { kind: 'fresh', degree: result.value } : { kind: 'failed', error: result.error };
  };

  return {
    async collect(target, timeoutMs) {
      const startedMs = now();
      const deadlineMs = startedMs + timeoutMs;
      const controller = new AbortController();
      // Every pending order listens on this one signal (up to three listeners each): not a leak.
      setMaxListeners(0, controller.signal);
      const cancelTimer = clock.after(timeoutMs, () => controller.abort());
      try {
        const answers = await Promise.all(
          target.orders.map((order) => answerFor(target, order, deadlineMs, controller.signal)),
        );
        forgetRemovedOrders(memories, target.orders);
        const outcomes = target.orders.map((order, i): OrderOutcome => ({
          order,
          answer: answers[i] ?? { kind: 'failed', error: DEADLINE_ERROR },
          lastSuccessMs: memories.get(orderKey(order))?.lastSuccessMs,
        }));
        return { outcomes, durationMs: now() - startedMs, timeoutMs };
      } finally {
        cancelTimer();
      }
    },
    lastKnown(orders) {
      return orders.map((order) => ({ order, memory: memories.get(orderKey(order)) ?? emptyMemory() }));
    },
  };
}

/** Memory is bounded by the configuration: an order removed from it is forgotten. */
function forgetRemovedOrders(memories: Map<string, OrderMemory>, orders: readonly Order[]): void {
  const keep = new Set(orders.map(orderKey));
  for (const key of memories.keys()) if (!keep.has(key)) memories.delete(key);
}

function logTransition(
  logger: Logger,
  order: Order,
  result: DmsResult,
  change: ReturnType<typeof remember>,
): void {
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
