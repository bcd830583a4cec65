import type { Order, ScrapeSettings } from '../config/schema.js';
import { FINAL_STATUSES, type DmsError, type DmsResult, type JobDegree } from '../dms/types.js';
import { watchJob, type Completion, type JobWatch } from './job-watch.js';
import type { ReuseReason } from './types.js';

/** What the exporter remembers about one order between scrapes. */
export interface OrderMemory {
  /** When the last call for the order finished, whatever its result. */
  lastAttemptMs: number | undefined;
  lastSuccessMs: number | undefined;
  lastDegree: JobDegree | undefined;
  /** The last call's error; undefined after a success. Also used to log only transitions. */
  lastError: DmsError | undefined;
  warnedUnknownStatus: boolean;
  /** The job's states as answered so far, dated (job-watch.ts). */
  watch: JobWatch | undefined;
}

/**
 * The identity of "the same DMS question": two entries with the same profile, order and tenant
 * share calls and memory.
 */
export function orderKey(order: Order): string {
  return `${order.profile}\u0000${order.id}\u0000${order.tid ?? ''}`;
}

export function emptyMemory(): OrderMemory {
  return {
    lastAttemptMs: undefined,
    lastSuccessMs: undefined,
    lastDegree: undefined,
    lastError: undefined,
    warnedUnknownStatus: false,
    watch: undefined,
  };
}

/**
 * Whether this scrape can answer from memory without asking DMS: a final-state job within
 * `terminal_recheck`, or any answer younger than `min_interval` (so a scrape storm, or several
 * Prometheus servers, cost one call per order per interval).
 */
export function reusable(
  memory: OrderMemory | undefined,
  settings: ScrapeSettings,
  nowMs: number,
): ReuseReason | undefined {
  if (memory?.lastAttemptMs === undefined) return undefined;
  const degree = memory.lastDegree;
  if (
    memory.lastError === undefined &&
    degree !== undefined &&
    FINAL_STATUSES.has(degree.status) &&
    memory.lastSuccessMs !== undefined &&
    nowMs - memory.lastSuccessMs < settings.terminalRecheckMs
  ) {
    return 'terminal_cache';
  }
  return nowMs - memory.lastAttemptMs < settings.minIntervalMs ? 'fresh' : undefined;
}

/**
 * An answer for an order that could not be refreshed in time (deadline or rate limit): its last
 * answer while younger than `max_age`, if that answer was a success; otherwise nothing.
 */
export function staleDegree(
  memory: OrderMemory | undefined,
  settings: ScrapeSettings,
  nowMs: number,
): JobDegree | undefined {
  if (memory?.lastDegree === undefined || memory.lastError !== undefined) return undefined;
  const age = nowMs - (memory.lastSuccessMs ?? -Infinity);
  return age < settings.maxAgeMs ? memory.lastDegree : undefined;
}

export type Change = 'recovered' | 'failing' | 'unknown_status' | undefined;

/** What folding one result into memory found: worth logging, and stages that ended (for baselines). */
export interface Folded {
  readonly change: Change;
  readonly completed: readonly Completion[];
}

/** Folds one DMS result into memory. */
export function remember(memory: OrderMemory, result: DmsResult, nowMs: number): Folded {
  memory.lastAttemptMs = nowMs;
  if (!result.ok) {
    const changed = memory.lastError?.code !== result.error.code;
    memory.lastError = result.error;
    return { change: changed ? 'failing' : undefined, completed: [] };
  }
  const wasFailing = memory.lastError !== undefined;
  memory.lastSuccessMs = nowMs;
  memory.lastDegree = result.value;
  memory.lastError = undefined;
  const status = result.value.status;
  if (status === 'UNKNOWN') {
    // A state this exporter does not know says nothing about the job's way: the watch stays as is.
    if (memory.warnedUnknownStatus) return { change: wasFailing ? 'recovered' : undefined, completed: [] };
    memory.warnedUnknownStatus = true;
    return { change: 'unknown_status', completed: [] };
  }
  const { watch, completed } = watchJob(memory.watch, status, nowMs);
  memory.watch = watch;
  return { change: wasFailing ? 'recovered' : undefined, completed };
}
