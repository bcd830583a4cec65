import { DEADLINE_ERROR, RATE_LIMIT_ERROR, type DmsError } from '../dms/types.js';
import type { Clock } from '../util/clock.js';

/**
 * A place in a FIFO queue. `granted` resolves true when the place comes up, false when it was
 * withdrawn first. Withdrawing is O(1): the entry is marked and skipped later, so giving up on
 * thousands of queued calls at a deadline costs no listener and no search.
 */
export interface Ticket {
  readonly granted: Promise<boolean>;
  withdraw(): void;
}

interface Entry {
  resolve: (granted: boolean) => void;
  live: boolean;
}

/** A FIFO of entries with O(1) push, pop and withdrawal. */
class Queue {
  #entries: Entry[] = [];
  #head = 0;
  #live = 0;

  get size(): number {
    return this.#live;
  }

  push(): Ticket {
    let entry!: Entry;
    const granted = new Promise<boolean>((resolve) => (entry = { resolve, live: true }));
    this.#entries.push(entry);
    this.#live += 1;
    return {
      granted,
      withdraw: () => {
        if (!entry.live) return;
        entry.live = false;
        this.#live -= 1;
        entry.resolve(false);
      },
    };
  }

  /** Grants the oldest live entry; false when there is none. */
  grantNext(): boolean {
    while (this.#head < this.#entries.length) {
      const entry = this.#entries[this.#head];
      this.#head += 1;
      if (entry?.live !== true) continue;
      entry.live = false;
      this.#live -= 1;
      this.#compact();
      entry.resolve(true);
      return true;
    }
    this.#compact();
    return false;
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** At most `max` holders at once, process-wide: bounds DMS calls in flight across every scrape. */
export interface Semaphore {
  acquire(): Ticket;
  /** Called once by each holder whose ticket was granted. */
  release(): void;
  /**
   * A new bound for the same semaphore (a reload changed `scrape.concurrency`): holders beyond a
   * lowered bound finish, and no one else is let in until the count is under it.
   */
  resize(max: number): void;
  readonly active: number;
  readonly queued: number;
}

export function createSemaphore(initialMax: number): Semaphore {
  const queue = new Queue();
  let max = initialMax;
  let active = 0;
  const admit = (): void => {
    while (active < max && queue.grantNext()) active += 1;
  };
  return {
    acquire() {
      const ticket = queue.push();
      admit();
      return ticket;
    },
    release() {
      active -= 1;
      admit();
    },
    resize(newMax) {
      max = newMax;
      admit();
    },
    get active() {
      return active;
    },
    get queued() {
      return queue.size;
    },
  };
}

export interface RateLimit {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/**
 * A token bucket: `burst` calls at once, then `requestsPerSecond` on average. Tokens are handed out
 * in arrival order by one timer, however many callers wait.
 */
export interface TokenBucket {
  take(): Ticket;
  readonly waiting: number;
  readonly limit: RateLimit;
}

export function createTokenBucket(limit: RateLimit, clock: Clock): TokenBucket {
  const queue = new Queue();
  let tokens = limit.burst;
  let updatedMs = clock.now();
  let timerArmed = false;

  const refill = (): void => {
    const now = clock.now();
    tokens = Math.min(limit.burst, tokens + ((now - updatedMs) / 1000) * limit.requestsPerSecond);
    updatedMs = now;
  };

  const grant = (): void => {
    refill();
    while (tokens >= 1 && queue.size > 0) {
      if (queue.grantNext()) tokens -= 1;
    }
    if (queue.size > 0 && !timerArmed) {
      timerArmed = true;
      const waitMs = Math.ceil(((1 - tokens) / limit.requestsPerSecond) * 1000);
      clock.after(Math.max(1, waitMs), () => {
        timerArmed = false;
        grant();
      });
    }
  };

  return {
    take() {
      const ticket = queue.push();
      grant();
      return ticket;
    },
    get waiting() {
      return queue.size;
    },
    limit,
  };
}

/** What every DMS call passes on its way out: its profile's rate limit, then a process-wide slot. */
export interface Gates {
  readonly bucket: TokenBucket | undefined;
  readonly slots: Semaphore;
}

/**
 * Takes a call through the gates: `wait` decides how long a place is waited for (and may withdraw
 * it), `onRateLimitWaited` hears how long the token took. Resolves to undefined holding a slot (the
 * caller releases it), or to why the call is not made.
 */
export async function enterGates(
  gates: Gates,
  clock: Clock,
  wait: (place: Ticket, gate: 'rate_limit' | 'queued') => Promise<boolean>,
  onRateLimitWaited: (seconds: number) => void,
): Promise<DmsError | undefined> {
  if (gates.bucket !== undefined) {
    const from = clock.now();
    if (!(await wait(gates.bucket.take(), 'rate_limit'))) return RATE_LIMIT_ERROR;
    onRateLimitWaited((clock.now() - from) / 1000);
  }
  return (await wait(gates.slots.acquire(), 'queued')) ? undefined : DEADLINE_ERROR;
}
