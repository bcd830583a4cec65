import type { Order } from '../config/schema.js';
import type { DmsError, JobDegree } from '../dms/types.js';

/** How this scrape got its answer for one order. */
export type OrderAnswer =
  /** DMS answered during this scrape (possibly a call shared with a concurrent scrape). */
  | { readonly kind: 'fresh'; readonly degree: JobDegree }
  /** A final-state answer kept in memory, younger than `terminal_recheck`. */
  | { readonly kind: 'cached'; readonly degree: JobDegree }
  | { readonly kind: 'failed'; readonly error: DmsError };

export interface OrderOutcome {
  readonly order: Order;
  readonly answer: OrderAnswer;
  /** Unix ms of the last valid answer ever received for this order, if any. */
  readonly lastSuccessMs: number | undefined;
}

export interface ScrapeResult {
  readonly outcomes: readonly OrderOutcome[];
  readonly durationMs: number;
  readonly timeoutMs: number;
}

/** Where the collector reports its DMS traffic; implemented by the long-lived self metrics. */
export interface ApiRecorder {
  requestFinished(action: string, durationSeconds: number, errorCode: string | undefined): void;
  answerReused(reason: 'in_flight' | 'terminal_cache'): void;
}
