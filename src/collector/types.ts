import type { CallRecorder } from '../dms/gated-call.js';
import type { DmsError, JobDegree } from '../dms/types.js';
import type { TrackedOrder } from '../orders.js';
import type { JobTimes, Stage } from './job-watch.js';

/** Why an order was answered without a DMS call of its own. */
export type ReuseReason =
  /** Shared with a call a concurrent scrape already made. */
  | 'in_flight'
  /** A final-state job, within `scrape.terminal_recheck`. */
  | 'terminal_cache'
  /** Asked less than `scrape.min_interval` ago. */
  | 'fresh'
  /** Not refreshed in time (deadline or rate limit); its last answer is younger than `scrape.max_age`. */
  | 'stale';

export const REUSE_REASONS: readonly ReuseReason[] = ['in_flight', 'terminal_cache', 'fresh', 'stale'];

/** How this scrape got its answer for one order. */
export type OrderAnswer =
  /** DMS answered during this scrape (possibly a call shared with a concurrent scrape). */
  | { readonly kind: 'fresh'; readonly degree: JobDegree }
  /** An answer kept in memory (see ReuseReason). */
  | { readonly kind: 'cached'; readonly degree: JobDegree }
  | { readonly kind: 'failed'; readonly error: DmsError }
  /** A discovered ticket with no job yet (waiting for approval) or ever (rejected, cancelled, closed). */
  | { readonly kind: 'no_job' };

export interface OrderOutcome {
  readonly order: TrackedOrder;
  readonly answer: OrderAnswer;
  /** Unix ms of the last valid answer ever received for this order, if any. */
  readonly lastSuccessMs: number | undefined;
  /** What the exporter has measured of the job's current run (job-watch.ts). */
  readonly times: JobTimes;
}

export interface ScrapeResult {
  readonly outcomes: readonly OrderOutcome[];
  readonly durationMs: number;
  readonly timeoutMs: number;
}

/**
 * Where the collector reports its DMS traffic, the answers it reused, and the stages and jobs it saw
 * end successfully (the baselines); implemented by the self metrics.
 */
export interface ScrapeRecorder extends CallRecorder {
  answerReused(reason: ReuseReason): void;
  stageCompleted(profile: string, stage: Stage, seconds: number): void;
  jobCompleted(profile: string, seconds: number): void;
}
