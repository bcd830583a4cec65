// The scenario's `throttle`: the gateway's flow control, answered with Throttling.User.

/** A fixed one-second window counter: at most `maxPerSecond` calls per wall-clock second. */
export class RateLimiter {
  private window = -1;
  private calls = 0;

  constructor(private readonly maxPerSecond: number) {}

  /** True when the call is allowed (and counted). */
  allow(nowMs: number): boolean {
    const window = Math.floor(nowMs / 1000);
    if (window !== this.window) {
      this.window = window;
      this.calls = 0;
    }
    if (this.calls >= this.maxPerSecond) return false;
    this.calls += 1;
    return true;
  }
}
