import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/simulator/throttle.js';

describe('RateLimiter', () => {
  it('allows max calls per wall-clock second', () => {
    const limiter = new RateLimiter(2);
    expect([limiter.allow(1000), limiter.allow(1500), limiter.allow(1999)]).toEqual([true, true, false]);
    expect(limiter.allow(2000)).toBe(true);
  });
});
