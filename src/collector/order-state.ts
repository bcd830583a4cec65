import type { Order } from '../config/schema.js';
import type { DmsResult, JobDegree } from '../dms/types.js';

/** What the exporter remembers about one order between scrapes. */
export interface OrderMemory {
  lastSuccessMs: number | undefined;
  lastDegree: JobDegree | undefined;
  /** Code of the last failure; undefined after a success. Used to log only transitions. */
  lastErrorCode: string | undefined;
  warnedUnknownStatus: boolean;
}

/**
 * The identity of "the same DMS question": two configured entries with the same profile, order and
 * tenant share calls and memory.
 */
export function orderKey(order: Order): string {
  return `${order.profile}\u0000${order.id}\u0000${order.tid ?? ''}`;
}

export function emptyMemory(): OrderMemory {
  return {
    lastSuccessMs: undefined,
    lastDegree: undefined,
    lastErrorCode: undefined,
    warnedUnknownStatus: false,
  };
}

/** Folds one DMS result into memory; returns what is worth logging about the change. */
export function remember(
  memory: OrderMemory,
  result: DmsResult,
  nowMs: number,
): 'recovered' | 'failing' | 'unknown_status' | undefined {
  if (!result.ok) {
    const changed = memory.lastErrorCode !== result.error.code;
    memory.lastErrorCode = result.error.code;
    return changed ? 'failing' : undefined;
  }
  const wasFailing = memory.lastErrorCode !== undefined;
  memory.lastSuccessMs = nowMs;
  memory.lastDegree = result.value;
  memory.lastErrorCode = undefined;
  if (result.value.status === 'UNKNOWN' && !memory.warnedUnknownStatus) {
    memory.warnedUnknownStatus = true;
    return 'unknown_status';
  }
  return wasFailing ? 'recovered' : undefined;
}
