import type { CallKey } from './dispatch.js';

/** Authenticated calls per (action, order): memory grows with distinct pairs, not with calls. */
export class CallCounter {
  private readonly counts = new Map<string, { key: CallKey; count: number }>();

  add(key: CallKey): void {
    const id = `${key.action}\u0000${key.orderId ?? ''}`;
    const entry = this.counts.get(id);
    if (entry === undefined) this.counts.set(id, { key, count: 1 });
    else entry.count += 1;
  }

  count(filter: { action?: string; orderId?: number } = {}): number {
    let total = 0;
    for (const { key, count } of this.counts.values()) {
      const actionOk = filter.action === undefined || key.action === filter.action;
      const orderOk = filter.orderId === undefined || key.orderId === filter.orderId;
      if (actionOk && orderOk) total += count;
    }
    return total;
  }

  reset(): void {
    this.counts.clear();
  }
}

/** Calls in one second of the simulator's clock (Unix seconds). */
export interface SecondTally {
  readonly second: number;
  readonly calls: number;
}

/**
 * Authenticated calls per second of the simulator's clock, so a test can check a client's rate
 * limit where it matters. Bounded: only the most recent `keep` seconds that had calls are kept.
 */
export class CallsPerSecond {
  private readonly tally = new Map<number, number>();

  constructor(private readonly keep = 3_600) {}

  add(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    this.tally.set(second, (this.tally.get(second) ?? 0) + 1);
    // Map keeps insertion order and the clock moves forward: the first key is the oldest second.
    if (this.tally.size > this.keep) this.tally.delete(this.tally.keys().next().value ?? second);
  }

  seconds(): SecondTally[] {
    return [...this.tally].map(([second, calls]) => ({ second, calls }));
  }

  reset(): void {
    this.tally.clear();
  }
}
