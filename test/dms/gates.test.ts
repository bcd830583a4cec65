import { describe, expect, it } from 'vitest';
import { createSemaphore, createTokenBucket } from '../../src/dms/gates.js';
import { ManualClock } from '../support/clock.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('createSemaphore', () => {
  it('grants at most max places, in order, skipping withdrawn ones', async () => {
    const slots = createSemaphore(1);
    const granted: number[] = [];
    const places = [0, 1, 2].map((i) => {
      const place = slots.acquire();
      void place.granted.then((ok) => ok && granted.push(i));
      return place;
    });
    await settle();
    expect(granted).toEqual([0]);
    expect([slots.active, slots.queued]).toEqual([1, 2]);
    places[1]?.withdraw();
    expect(await places[1]?.granted).toBe(false);
    slots.release();
    await settle();
    expect(granted).toEqual([0, 2]);
    slots.release();
    expect([slots.active, slots.queued]).toEqual([0, 0]);
  });

  it('takes a new bound without letting more in while the old holders finish', async () => {
    const slots = createSemaphore(3);
    const places = [0, 1, 2, 3, 4].map(() => slots.acquire());
    await settle();
    expect([slots.active, slots.queued]).toEqual([3, 2]);
    slots.resize(1);
    slots.release();
    slots.release();
    // Still one holder of the three: at the new bound, nobody waiting is let in.
    expect([slots.active, slots.queued]).toEqual([1, 2]);
    slots.release();
    await settle();
    expect([slots.active, slots.queued]).toEqual([1, 1]);
    slots.resize(4);
    await settle();
    expect([slots.active, slots.queued]).toEqual([2, 0]);
    expect(await places[4]?.granted).toBe(true);
  });
});

describe('createTokenBucket', () => {
  it('gives a burst at once, then requests_per_second, in arrival order', async () => {
    const clock = new ManualClock();
    const bucket = createTokenBucket({ requestsPerSecond: 2, burst: 3 }, clock);
    const granted: number[] = [];
    for (let i = 0; i < 6; i++) void bucket.take().granted.then((ok) => ok && granted.push(i));
    await settle();
    expect(granted).toEqual([0, 1, 2]);
    clock.advance(499);
    await settle();
    expect(granted).toEqual([0, 1, 2]);
    clock.advance(1);
    await settle();
    expect(granted).toEqual([0, 1, 2, 3]);
    clock.advance(1_000);
    await settle();
    expect(granted).toEqual([0, 1, 2, 3, 4, 5]);
    expect(bucket.waiting).toBe(0);
  });

  it('never lends more than the burst after a quiet spell', async () => {
    const clock = new ManualClock();
    const bucket = createTokenBucket({ requestsPerSecond: 1, burst: 2 }, clock);
    clock.advance(60_000);
    const granted = [bucket.take(), bucket.take(), bucket.take()];
    await settle();
    expect(await Promise.race([granted[2]?.granted, Promise.resolve('waiting')])).toBe('waiting');
    expect(await granted[1]?.granted).toBe(true);
  });
});
