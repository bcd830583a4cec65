import { Worker } from 'node:worker_threads';
import { workerScript } from '../util/worker-script.js';

// bcrypt is meant to be slow (about 80 ms of CPU at cost 10), so it runs in a worker thread, never
// on the event loop that answers scrapes. The worker takes comparisons in order; while others wait
// (a flood, not a scraper logging in), it rests after each as long as it was busy, so a flood gets
// at most half of one core (a container's CPU quota then leaves the event loop its share). A
// bounded number wait; one beyond that is refused at once, so a flood of guesses costs a fixed
// amount of CPU and memory.
//
// A comparison that finds no match holds its worker until `failureScale` times its own time has
// passed: given the ratio to the costliest configured hash, every failure then takes as long, and
// delays the comparisons behind it as long, whichever hash it was against.

export type Comparison =
  | { readonly kind: 'compared'; readonly matches: boolean; readonly ms: number }
  /** Every worker busy and the waiting line full: not compared. */
  | { readonly kind: 'busy' }
  /** The worker stopped (or the pool was closed) before it answered. */
  | { readonly kind: 'failed'; readonly reason: string };

export interface PasswordPool {
  /** `ms` of the answer is the comparison's own time, without the hold of a failure. */
  compare(password: string, hash: string, failureScale?: number): Promise<Comparison>;
  /** Stops the workers; comparisons not yet answered fail. */
  close(): Promise<void>;
}

export interface PoolOptions {
  /** Workers; 1 by default, as the toolkit runs one bcrypt at a time. */
  readonly workers?: number;
  /** Comparisons that may wait for a worker; 4 per worker by default. */
  readonly maxWaiting?: number;
  /** How long a worker rests after a comparison while others wait, as a share of the time it was busy; 1 by default. */
  readonly rest?: number;
}

interface Job {
  readonly password: string;
  readonly hash: string;
  readonly failureScale: number;
  readonly settle: (comparison: Comparison) => void;
}

interface Slot {
  readonly worker: Worker;
  job: Job | undefined;
  /** Compared, and holding the worker until a failure has taken its scaled time. */
  holding: boolean;
  resting: boolean;
}

/** A worker needs little heap: bcrypt works in a few KiB. */
const WORKER_HEAP_MB = 32;
const STOPPED: Comparison = { kind: 'failed', reason: 'the bcrypt workers are stopped' };

export function createPasswordPool(options: PoolOptions = {}): PasswordPool {
  const size = options.workers ?? 1;
  const maxWaiting = options.maxWaiting ?? 4 * size;
  const rest = options.rest ?? 1;
  const slots: Slot[] = [];
  const waiting: Job[] = [];
  let closed = false;

  const idle = (slot: Slot): boolean => slot.job === undefined && !slot.resting;

  /** Answers the slot's job and, when others wait, lets the slot rest after its `busyMs` of work. */
  const release = (slot: Slot, comparison: Comparison, busyMs: number): void => {
    const job = slot.job;
    slot.job = undefined;
    slot.holding = false;
    job?.settle(comparison);
    if (busyMs * rest > 0 && !closed && waiting.length > 0) {
      slot.resting = true;
      setTimeout(() => {
        slot.resting = false;
        dispatch();
      }, busyMs * rest).unref();
    }
    dispatch();
  };

  const answered = (slot: Slot, message: unknown): void => {
    const comparison = compared(message);
    const scale = slot.job?.failureScale ?? 1;
    if (comparison.kind !== 'compared' || comparison.matches || scale <= 1) {
      release(slot, comparison, comparison.kind === 'compared' ? comparison.ms : 0);
      return;
    }
    slot.holding = true;
    setTimeout(() => release(slot, comparison, comparison.ms * scale), comparison.ms * (scale - 1));
  };

  const spawn = (): Slot => {
    const { script, eval: isCode } = workerScript(import.meta.url, 'bcrypt-worker');
    const worker = new Worker(script, {
      eval: isCode,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    // An idle pool must not keep the process alive.
    worker.unref();
    const slot: Slot = { worker, job: undefined, holding: false, resting: false };
    worker.on('message', (message: unknown) => answered(slot, message));
    const lost = (reason: string) => {
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      // A failure being held has its answer already: its timer gives it.
      if (!slot.holding) release(slot, { kind: 'failed', reason }, 0);
    };
    worker.on('error', (error) => lost(`the bcrypt worker failed: ${error.message}`));
    worker.on('exit', (code) => lost(`the bcrypt worker stopped (exit code ${code})`));
    slots.push(slot);
    return slot;
  };

  const dispatch = (): void => {
    while (!closed && waiting.length > 0) {
      const free = slots.find(idle) ?? (slots.length < size ? spawn() : undefined);
      const job = free && waiting.shift();
      if (free === undefined || job === undefined) return;
      free.job = job;
      free.worker.postMessage({ password: job.password, hash: job.hash });
    }
  };

  return {
    compare(password, hash, failureScale = 1) {
      if (closed) return Promise.resolve(STOPPED);
      const allBusy = slots.length >= size && !slots.some(idle);
      if (allBusy && waiting.length >= maxWaiting) return Promise.resolve({ kind: 'busy' });
      return new Promise((settle) => {
        waiting.push({ password, hash, failureScale, settle });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of waiting.splice(0)) job.settle(STOPPED);
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

/** The worker's answer, narrowed: it is our own code, but a message is `unknown` until checked. */
function compared(message: unknown): Comparison {
  const get = (key: string): unknown =>
    typeof message === 'object' && message !== null ? Reflect.get(message, key) : undefined;
  const matches = get('matches');
  const ms = get('ms');
  if (typeof matches !== 'boolean' || typeof ms !== 'number')
    return { kind: 'failed', reason: 'the bcrypt worker sent an unreadable answer' };
  return { kind: 'compared', matches, ms };
}
