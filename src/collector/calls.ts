import { err } from 'yaml-files';
import type { Order } from '../config/schema.js';
import { ACTION_GET_JOB_DEGREE, type DmsClient, type DmsResult } from '../dms/types.js';
import type { Clock } from '../util/clock.js';
import { enterGates, type Semaphore, type Ticket, type TokenBucket } from './gates.js';
import type { ApiRecorder } from './types.js';

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
function isRetryable(code: string): boolean {
  return (
    code.startsWith('Throttling') ||
    code === 'network' ||
    /^http_5\d\d$/.test(code) ||
    code === 'InternalError' ||
    code === 'ServiceUnavailable'
  );
}

export function startCall(order: Order, deps: CallDeps): SharedCall {
  return new Call(order, deps);
}

/**
 * A class rather than closures: a cold scrape of 10,000 orders queues 10,000 of these at once, and
 * methods on the prototype keep each one small. The AbortController is made only once the call is
 * sent.
 */
class Call implements SharedCall {
  phase: CallPhase = 'rate_limit';
  abandoned = false;
  readonly settled: Promise<CallSettled>;
  #waiters = 0;
  #latestDeadlineMs = 0;
  #ticket: Ticket | undefined;
  #wake: (() => void) | undefined;

  constructor(
    private readonly order: Order,
    private readonly deps: CallDeps,
  ) {
    this.settled = this.#run();
  }

  join(deadlineMs: number): void {
    this.#waiters += 1;
    this.#latestDeadlineMs = Math.max(this.#latestDeadlineMs, deadlineMs);
  }

  leave(): void {
    this.#waiters -= 1;
    if (this.#waiters > 0 || this.phase === 'done') return;
    this.#wake?.();
    // A request already sent is left to finish (within scrape.timeout): its answer lands in memory
    // for the next scrape, so a DMS slower than every scraper's deadline still gets read. One not
    // sent yet gives up its place in the queues.
    if (this.phase === 'running') return;
    this.abandoned = true;
    this.#ticket?.withdraw();
  }

  async #run(): Promise<CallSettled> {
    const startedMs = this.deps.clock.now();
    let result = await this.#attempt();
    if (
      !result.ok &&
      isRetryable(result.error.code) &&
      (await this.#backoff(this.deps.clock.now() - startedMs))
    ) {
      this.deps.recorder.retried(ACTION_GET_JOB_DEGREE, result.error.code);
      result = await this.#attempt();
    }
    this.phase = 'done';
    return { result, answered: !this.abandoned };
  }

  async #wait(place: Ticket): Promise<boolean> {
    this.#ticket = place;
    const granted = await place.granted;
    this.#ticket = undefined;
    return granted;
  }

  async #attempt(): Promise<DmsResult> {
    const { deps, order } = this;
    const refused = await enterGates(
      deps,
      deps.clock,
      (place, gate) => {
        this.phase = gate;
        return this.#wait(place);
      },
      (seconds) => deps.recorder.rateLimitWaited(order.profile, seconds),
    );
    if (refused !== undefined) return err(refused);
    this.phase = 'running';
    const startedMs = deps.clock.now();
    try {
      const request = { orderId: order.id, tid: order.tid };
      // Never aborted now that a sent call runs to its end; the transport's deadline bounds it.
      const signal = new AbortController().signal;
      const result = await deps.client.getJobDegree(request, { signal, timeoutMs: deps.timeoutMs });
      // Counted whoever still waits: once sent, the call may have cost DMS quota.
      const code = result.ok ? undefined : result.error.code;
      deps.recorder.requestFinished(ACTION_GET_JOB_DEGREE, (deps.clock.now() - startedMs) / 1000, code);
      return result;
    } finally {
      deps.slots.release();
    }
  }

  /** One retry, after a jittered pause, when it can still finish before the longest waiting deadline. */
  #backoff(lastCallMs: number): Promise<boolean> {
    const { clock, random } = this.deps;
    const pauseMs = RETRY_BASE_MS * (1 + random());
    if (this.#waiters === 0 || clock.now() + pauseMs + lastCallMs > this.#latestDeadlineMs) {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const cancel = clock.after(pauseMs, () => resolve(this.#waiters > 0));
      this.#wake = () => {
        cancel();
        resolve(false);
      };
    });
  }
}
