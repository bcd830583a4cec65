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
