import { systemClock, type Clock } from '../../src/util/clock.js';

/** Real timers, but `now()` stands still: output that prints times (golden files) stays the same. */
export function fixedClock(nowMs: number): Clock {
  return { now: () => nowMs, after: (ms, fire) => systemClock.after(ms, fire) };
}

/** Time that moves only when the test says so: deadlines and expiry without waiting or racing. */
export class ManualClock implements Clock {
  #now: number;
  #timers: Array<{ at: number; fire: () => void }> = [];

  constructor(startMs = 1_800_000_000_000) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  after(ms: number, fire: () => void): () => void {
    const timer = { at: this.#now + ms, fire };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.fire();
    }
    this.#now = target;
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }
}
