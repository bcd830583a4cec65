import { err, type Result } from 'yaml-files/basics';
import type { Clock } from '../util/clock.js';
import type { Gates } from './gates.js';
import type { QueuePlace } from './queue.js';
import { DEADLINE_ERROR, RATE_LIMIT_ERROR, type CallOptions, type DmsError } from './types.js';

/*
 * How every DMS call is admitted, retried and given up: scrapes and discovery follow this one rule.
 *
 * Admission. A call waits for a token of its profile's rate limit (if it has one), then for one of
 * the process-wide slots (`scrape.concurrency`), each in arrival order, and holds its slot while
 * the request is out.
 *
 * Waiters. Whoever needs the answer joins the call with a deadline and leaves when it has the answer
 * or when its deadline comes. A scrape's call may have several waiters (concurrent scrapes share
 * it); a discovery run's call has one, the run.
 *
 * Retry. A call that failed with a retryable code (`Throttling*`, `network`, `http_5xx`,
 * `InternalError`, `ServiceUnavailable`) is made once more, after a random pause of 200-400 ms, if
 * the retry can still finish before the latest deadline of those waiting for it (judged by how long
 * the first try took, its waits included). The retry passes the gates again. Each try counts in
 * `api_requests_total{action}`, the retry in `api_retries_total{action,code}` with the first try's code.
 * Other codes (signature, permission, parameter, business errors, malformed answers, timeouts) are
 * never retried.
 *
 * Giving up. When the last waiter leaves, a place in a queue is withdrawn (the call is never sent)
 * and a pending retry is dropped. A sent request is bounded by its timeout. Whether it is also
 * aborted depends on whether anyone will read its answer: a scrape's call goes on to its timeout so
 * its answer lands in memory for the next scrape (`keepAnswer`); a discovery run's call is aborted at
 * the run's deadline (or when discovery stops), since nobody would read it.
 */

/** Where DMS traffic is reported; implemented by the long-lived self metrics. */
export interface CallRecorder {
  requestFinished(action: string, durationSeconds: number, errorCode: string | undefined): void;
  retried(action: string, errorCode: string): void;
  rateLimitWaited(profile: string, seconds: number): void;
}

/** One DMS action, ready to send: its name (the `action` label) and how to send it. */
export interface DmsAction<T> {
  readonly name: string;
  send(options: CallOptions): Promise<Result<T, DmsError>>;
}

/** Everything a call needs besides its action. */
export interface CallRoute {
  readonly gates: Gates;
  readonly recorder: CallRecorder;
  readonly clock: Clock;
  /** 0..1, for the retry pause; injectable so tests are exact. */
  readonly random: () => number;
  /** The profile whose rate limit the call takes (the `profile` label of the wait histogram). */
  readonly profile: string;
  /** Upper bound for one HTTP exchange. */
  readonly timeoutMs: number;
  /** A sent request outlives its waiters so its answer can be kept (scrapes); false: it is aborted. */
  readonly keepAnswer: boolean;
}

/** Where a call is: waiting for a rate-limit token, for a concurrency slot, or talking to DMS. */
export type CallPhase = 'rate_limit' | 'queued' | 'running' | 'done';

export interface CallSettled<T> {
  readonly result: Result<T, DmsError>;
  /** False when every waiter left before the call was sent: nothing was learned. */
  readonly answered: boolean;
}

/** One DMS call and the waiters who want its answer. */
export interface GatedCall<T> {
  readonly settled: Promise<CallSettled<T>>;
  readonly phase: CallPhase;
  /** Every waiter left before the call was sent: a new waiter must start its own call. */
  readonly abandoned: boolean;
  join(deadlineMs: number): void;
  leave(): void;
}

const RETRY_PAUSE_MS = 200;

function isRetryable(code: string): boolean {
  return (
    code.startsWith('Throttling') ||
    code === 'network' ||
    /^http_5\d\d$/.test(code) ||
    code === 'InternalError' ||
    code === 'ServiceUnavailable'
  );
}

/** Starts a call at once; it waits at the gates until a waiter joins or leaves it. */
export function startGatedCall<T>(action: DmsAction<T>, route: CallRoute): GatedCall<T> {
  return new Call(action, route);
}

/** The answer of a call with a single waiter, and a way for that waiter to leave before its deadline. */
export interface SoleWait<T> {
  readonly answer: Promise<Result<T, DmsError>>;
  readonly leave: () => void;
}

/** A call whose only waiter leaves at `deadlineMs` or when told to (a discovery run's calls). */
export function callBefore<T>(deadlineMs: number, action: DmsAction<T>, route: CallRoute): SoleWait<T> {
  const { clock } = route;
  if (clock.now() >= deadlineMs) return { answer: Promise.resolve(err(DEADLINE_ERROR)), leave: () => {} };
  const call = startGatedCall(action, route);
  call.join(deadlineMs);
  let waiting = true;
  let cancelTimer = (): void => {};
  const leave = (): void => {
    if (!waiting) return;
    waiting = false;
    cancelTimer();
    call.leave();
  };
  cancelTimer = clock.after(deadlineMs - clock.now(), leave);
  const answer = call.settled.then(({ result }) => {
    leave();
    return result;
  });
  return { answer, leave };
}

/**
 * A class rather than closures: a cold scrape of 10,000 orders queues 10,000 of these at once, and
 * methods on the prototype keep each one small.
 */
class Call<T> implements GatedCall<T> {
  phase: CallPhase = 'rate_limit';
  abandoned = false;
  readonly settled: Promise<CallSettled<T>>;
  #waiters = 0;
  #latestDeadlineMs = 0;
  #place: QueuePlace | undefined;
  #request: AbortController | undefined;
  #wake: (() => void) | undefined;

  constructor(
    private readonly action: DmsAction<T>,
    private readonly route: CallRoute,
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
    if (this.phase === 'running') {
      if (!this.route.keepAnswer) this.#request?.abort();
      return;
    }
    this.abandoned = true;
    this.#place?.withdraw();
  }

  async #run(): Promise<CallSettled<T>> {
    const { clock, recorder } = this.route;
    const startedMs = clock.now();
    let result = await this.#attempt();
    if (
      !result.ok &&
      isRetryable(result.error.code) &&
      (await this.#pauseBeforeRetry(clock.now() - startedMs))
    ) {
      recorder.retried(this.action.name, result.error.code);
      result = await this.#attempt();
    }
    this.phase = 'done';
    return { result, answered: !this.abandoned };
  }

  async #wait(phase: CallPhase, place: QueuePlace): Promise<boolean> {
    this.phase = phase;
    this.#place = place;
    const granted = await place.granted;
    this.#place = undefined;
    return granted;
  }

  async #attempt(): Promise<Result<T, DmsError>> {
    const { gates, clock, recorder, profile, timeoutMs } = this.route;
    if (gates.bucket !== undefined) {
      const fromMs = clock.now();
      if (!(await this.#wait('rate_limit', gates.bucket.take()))) return err(RATE_LIMIT_ERROR);
      recorder.rateLimitWaited(profile, (clock.now() - fromMs) / 1000);
    }
    if (!(await this.#wait('queued', gates.slots.acquire()))) return err(DEADLINE_ERROR);
    this.phase = 'running';
    const startedMs = clock.now();
    try {
      this.#request = new AbortController();
      const result = await this.action.send({ signal: this.#request.signal, timeoutMs });
      // Counted whoever still waits: once sent, the call may have cost DMS quota.
      const code = result.ok ? undefined : result.error.code;
      recorder.requestFinished(this.action.name, (clock.now() - startedMs) / 1000, code);
      return result;
    } finally {
      this.#request = undefined;
      gates.slots.release();
    }
  }

  /** The pause before the one retry; false (at once, or when the last waiter leaves) when there is none. */
  #pauseBeforeRetry(firstTryMs: number): Promise<boolean> {
    const { clock, random } = this.route;
    const pauseMs = RETRY_PAUSE_MS * (1 + random());
    if (this.#waiters === 0 || clock.now() + pauseMs + firstTryMs > this.#latestDeadlineMs) {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const cancel = clock.after(pauseMs, () => {
        this.#wake = undefined;
        resolve(this.#waiters > 0);
      });
      this.#wake = () => {
        this.#wake = undefined;
        cancel();
        resolve(false);
      };
    });
  }
}
