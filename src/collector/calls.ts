import type { Order } from '../config/schema.js';
import {
  ACTION_GET_JOB_DEGREE,
  DEADLINE_ERROR,
  type DmsClient,
  type DmsError,
  type DmsResult,
} from '../dms/types.js';
import type { Clock } from '../util/clock.js';
import { err } from '../util/result.js';
import type { Semaphore, Ticket, TokenBucket } from './gates.js';
import type { ApiRecorder } from './types.js';

/** The answer for an order still waiting for its profile's rate limit when the deadline came. */
export const RATE_LIMIT_ERROR: DmsError = {
  code: 'rate_limited',
  message: "the profile's rate limit left no room for this call before the scrape deadline",
  requestId: undefined,
};

/** Where a call is: waiting for a rate-limit token, for a concurrency slot, or talking to DMS. */
export type CallPhase = 'rate_limit' | 'queued' | 'running' | 'done';

export interface CallSettled {
  readonly result: DmsResult;
  /** False when every waiting scrape gave up before the call was sent: nothing was learned. */
  readonly answered: boolean;
}

/**
 * One DMS question in flight, shared by every scrape that needs it. Each scrape joins with its own
 * deadline and leaves when it has its answer or gives up; when the last one leaves, a call still
 * queued is abandoned (its places withdrawn), one already sent runs to its end for the memory. So a
 * short-deadline scrape never cuts short a longer one's answer.
 */
export interface SharedCall {
  readonly settled: Promise<CallSettled>;
  readonly phase: CallPhase;
  /** Every waiter left before the call was sent: a new scrape must start its own call. */
  readonly abandoned: boolean;
  join(deadlineMs: number): void;
  leave(): void;
}

export interface CallDeps {
  readonly client: DmsClient;
  readonly slots: Semaphore;
  readonly bucket: TokenBucket | undefined;
  readonly recorder: ApiRecorder;
  readonly clock: Clock;
  /** Cap for one HTTP exchange (scrape.timeout): no waiting scrape can want longer. */
  readonly timeoutMs: number;
  /** 0..1, for the retry jitter; injectable so tests are deterministic. */
  readonly random: () => number;
}

const RETRY_BASE_MS = 200;

/** Throttling, 5xx and network failures may pass; authentication or parameter errors will not. */
export function isRetryable(code: string): boolean {
  return (
    code.startsWith('Throttling') ||
    code === 'network' ||
    /^http_5\d\d$/.test(code) ||
    code === 'InternalError' ||
    code === 'ServiceUnavailable'
  );
}

export function startCall(order: Order, deps: CallDeps): SharedCall {
  const { clock } = deps;
  const controller = new AbortController();
  let phase: CallPhase = 'rate_limit';
  let waiters = 0;
  let latestDeadlineMs = 0;
  let ticket: Ticket | undefined;
  let abandoned = false;
  let wake: (() => void) | undefined;

  const wait = async (place: Ticket): Promise<boolean> => {
    ticket = place;
    const granted = await place.granted;
    ticket = undefined;
    return granted;
  };

  const attempt = async (): Promise<DmsResult> => {
    if (deps.bucket !== undefined) {
      phase = 'rate_limit';
      const startedMs = clock.now();
      if (!(await wait(deps.bucket.take()))) return err(RATE_LIMIT_ERROR);
      deps.recorder.rateLimitWaited(order.profile, (clock.now() - startedMs) / 1000);
    }
    phase = 'queued';
    if (!(await wait(deps.slots.acquire()))) return err(DEADLINE_ERROR);
    phase = 'running';
    const startedMs = clock.now();
    try {
      const request = { orderId: order.id, tid: order.tid };
      const result = await deps.client.getJobDegree(request, {
        signal: controller.signal,
        timeoutMs: deps.timeoutMs,
      });
      // Counted whoever still waits: once sent, the call may have cost DMS quota.
      const code = result.ok ? undefined : result.error.code;
      deps.recorder.requestFinished(ACTION_GET_JOB_DEGREE, (clock.now() - startedMs) / 1000, code);
      return result;
    } finally {
      deps.slots.release();
    }
  };

  // One retry, after a jittered pause, when it can still finish before the longest waiting deadline.
  const backoff = (lastCallMs: number): Promise<boolean> => {
    const pauseMs = RETRY_BASE_MS * (1 + deps.random());
    if (waiters === 0 || clock.now() + pauseMs + lastCallMs > latestDeadlineMs) return Promise.resolve(false);
    return new Promise((resolve) => {
      const cancel = clock.after(pauseMs, () => resolve(waiters > 0));
      wake = () => {
        cancel();
        resolve(false);
      };
    });
  };

  const run = async (): Promise<CallSettled> => {
    const startedMs = clock.now();
    let result = await attempt();
    if (
      !result.ok &&
      waiters > 0 &&
      isRetryable(result.error.code) &&
      (await backoff(clock.now() - startedMs))
    ) {
      deps.recorder.retried(ACTION_GET_JOB_DEGREE, result.error.code);
      result = await attempt();
    }
    phase = 'done';
    return { result, answered: !abandoned };
  };

  const settled = run();
  return {
    settled,
    get phase() {
      return phase;
    },
    get abandoned() {
      return abandoned;
    },
    join(deadlineMs) {
      waiters += 1;
      latestDeadlineMs = Math.max(latestDeadlineMs, deadlineMs);
    },
    leave() {
      waiters -= 1;
      if (waiters > 0 || phase === 'done') return;
      wake?.();
      // A request already sent is left to finish (within scrape.timeout): its answer lands in memory
      // for the next scrape, so a DMS slower than every scraper's deadline still gets read. One not
      // sent yet gives up its place in the queues.
      if (phase === 'running') return;
      abandoned = true;
      ticket?.withdraw();
      controller.abort();
    },
  };
}
