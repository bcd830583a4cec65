import type { Clock } from '../util/clock.js';
import { PlaceQueue, type QueuePlace } from './queue.js';

// The DMS API's quota, as the exporter keeps it on its side: a token bucket per profile (its
// `rate_limit`) and one bound on calls in flight for the whole process (`scrape.concurrency`).
// The runtime keeps one set across reloads (`createAdmission`), the DMS check makes its own;
// gated-call.ts is the only one that takes a token or a slot.

/** At most `max` holders at once, process-wide: bounds DMS calls in flight across every scrape. */
export interface Semaphore {
  acquire(): QueuePlace;
  /** Called once by each holder whose place was granted. */
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
  const queue = new PlaceQueue();
  let max = initialMax;
  let active = 0;
  const admit = (): void => {
    while (active < max && queue.grantNext()) active += 1;
  };
  return {
    acquire() {
      const place = queue.push();
      admit();
      return place;
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
  take(): QueuePlace;
  readonly waiting: number;
  readonly limit: RateLimit;
}

export function createTokenBucket(limit: RateLimit, clock: Clock): TokenBucket {
  const queue = new PlaceQueue();
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
      const place = queue.push();
      grant();
      return place;
    },
    get waiting() {
      return queue.size;
    },
    limit,
  };
}

/** What every DMS call passes on its way out: its profile's rate limit, then a process-wide slot. */
export interface Gates {
  /** Undefined: the profile has no rate limit. */
  readonly bucket: TokenBucket | undefined;
  readonly slots: Semaphore;
}

/**
 * The gates of a running exporter, which outlive reloads: a reload must neither hand out a fresh
 * burst nor let a second set of calls run beside the ones the previous configuration started. A
 * profile keeps its bucket while its limit is unchanged; the one semaphore is resized, not replaced.
 */
export interface Admission {
  readonly slots: Semaphore;
  /** Undefined: the profile has no rate limit (or is not followed). */
  bucketFor(profile: string): TokenBucket | undefined;
  /** A configuration is put in force: its profiles' rate limits and its `scrape.concurrency`. */
  follow(limits: ReadonlyMap<string, RateLimit | undefined>, concurrency: number): void;
}

export function createAdmission(clock: Clock, concurrency: number): Admission {
  const slots = createSemaphore(concurrency);
  const buckets = new Map<string, TokenBucket>();
  return {
    slots,
    bucketFor: (profile) => buckets.get(profile),
    follow(limits, newConcurrency) {
      slots.resize(newConcurrency);
      for (const name of buckets.keys()) if (!limits.has(name)) buckets.delete(name);
      for (const [name, limit] of limits) {
        const current = buckets.get(name);
        if (limit === undefined) buckets.delete(name);
        else if (current === undefined || !sameLimit(current.limit, limit))
          buckets.set(name, createTokenBucket(limit, clock));
      }
    },
  };
}

function sameLimit(a: RateLimit, b: RateLimit): boolean {
  return a.requestsPerSecond === b.requestsPerSecond && a.burst === b.burst;
}
