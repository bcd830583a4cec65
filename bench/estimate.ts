// Which baseline cases are worth running: a naive sequential exporter at 10,000 orders and 50 ms
// latency needs 500 s per scrape. A case predicted above the budget is estimated instead.
import type { Baseline, Mode } from './options.js';

/** Assumed client + simulator time per sequential call on loopback, before anything is measured. */
const ASSUMED_CALL_MS = 0.5;

export interface Estimate {
  readonly ms: number;
  readonly basis: string;
}

/** Scrape times measured so far, per baseline and mode, to predict larger cases from. */
export class BaselineHistory {
  private readonly measured = new Map<string, Array<{ orders: number; ms: number }>>();

  record(baseline: Baseline, mode: Mode, orders: number, ms: number): void {
    const key = `${baseline}/${mode}`;
    this.measured.set(key, [...(this.measured.get(key) ?? []), { orders, ms }]);
  }

  /**
   * Linear in orders from the largest smaller case measured; without one, orders x (latency + an
   * assumed 0.5 ms) per call in sequence: both baselines await one order after another (the naive
   * prom-client design in three concurrent chains).
   */
  predict(baseline: Baseline, mode: Mode, orders: number, latencyMs: number): Estimate {
    const below = (this.measured.get(`${baseline}/${mode}`) ?? []).filter((m) => m.orders < orders);
    const base = below.sort((a, b) => b.orders - a.orders)[0];
    if (base !== undefined) {
      return {
        ms: (base.ms * orders) / base.orders,
        basis: `scaled linearly from ${base.orders} orders (${Math.round(base.ms)} ms measured)`,
      };
    }
    return {
      ms: orders * (latencyMs + ASSUMED_CALL_MS),
      basis: `${orders} sequential calls x (${latencyMs} ms latency + ${ASSUMED_CALL_MS} ms assumed per call)`,
    };
  }
}
