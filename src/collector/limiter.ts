/** Returned instead of running the task when the caller's signal fired while it waited for a slot. */
export const GAVE_UP = Symbol('gave up waiting for a slot');

export interface Limiter {
  /** Runs `task` once fewer than `max` tasks are running; gives up (without running it) if `signal` aborts first. */
  run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T | typeof GAVE_UP>;
  readonly active: number;
  readonly queued: number;
}

/** A counting semaphore with a FIFO queue, shared by all scrapes so `concurrency` bounds DMS calls process-wide. */
export function createLimiter(max: number): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];

  const release = (): void => {
    active -= 1;
    waiting.shift()?.();
  };

  const acquire = (signal: AbortSignal): Promise<boolean> => {
    if (signal.aborted) return Promise.resolve(false);
    if (active < max) {
      active += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        active += 1;
        resolve(true);
      };
      const onAbort = (): void => {
        const index = waiting.indexOf(grant);
        if (index >= 0) waiting.splice(index, 1);
        resolve(false);
      };
      waiting.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  };

  return {
    async run(task, signal) {
      if (!(await acquire(signal))) return GAVE_UP;
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
  };
}
