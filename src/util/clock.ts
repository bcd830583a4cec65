/**
 * Time as the exporter sees it. Production uses the system clock; tests pass a manual one, so
 * deadlines and memory expiry are exercised without waiting and without racing the machine's load.
 */
export interface Clock {
  /** Unix milliseconds. */
  now(): number;
  /** Calls `fire` once `ms` have passed; the returned function cancels it. Never keeps the process alive. */
  after(ms: number, fire: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fire) {
    const timer = setTimeout(fire, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
