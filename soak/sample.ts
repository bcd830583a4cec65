// The exporter's health as its own /metrics tells it: prom-client's default process and runtime
// metrics, plus its DMS call counter and how many orders are up.
import { callCounter } from '../bench/scrape-client.js';
import { METRICS } from '../src/metrics/catalogue.js';

export interface Sample {
  /** ms since the load started. */
  readonly atMs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly openFds: number;
  readonly eventLoopLagP99Seconds: number;
  readonly dmsCalls: number;
  /** Full (mark-compact) collections so far: heap used right after one is what is really live. */
  readonly majorGcs: number;
  readonly ordersUp: number;
  readonly orders: number;
  /** Scrapes the load had made when the sample was taken. */
  readonly scrapes: number;
}

const SERIES = {
  rssBytes: 'process_resident_memory_bytes',
  heapUsedBytes: 'nodejs_heap_size_used_bytes',
  openFds: 'process_open_fds',
  eventLoopLagP99Seconds: 'nodejs_eventloop_lag_p99_seconds',
  majorGcs: 'nodejs_gc_duration_seconds_count{kind="major"}',
} as const;

export async function takeSample(baseUrl: string, atMs: number, scrapes: number): Promise<Sample> {
  // A short budget, so the slow order does not hold the sample back from its time.
  const response = await fetch(new URL('/metrics', baseUrl), {
    headers: { 'x-prometheus-scrape-timeout-seconds': '0.5' },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`sampling scrape answered ${response.status}`);
  const value = (series: string, absent?: number): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    if (line === undefined && absent !== undefined) return absent;
    const parsed = Number(line?.slice(series.length + 1));
    if (!Number.isFinite(parsed)) throw new Error(`the exporter's metrics have no ${series}`);
    return parsed;
  };
  const dmsCalls = callCounter(text);
  if (dmsCalls === undefined)
    throw new Error(`the exporter's metrics have no DMS call counter (${METRICS.apiRequests.name})`);
  const up = text.split('\n').filter((l) => l.startsWith(`${METRICS.up.name}{`));
  return {
    atMs,
    rssBytes: value(SERIES.rssBytes),
    heapUsedBytes: value(SERIES.heapUsedBytes),
    openFds: value(SERIES.openFds),
    eventLoopLagP99Seconds: value(SERIES.eventLoopLagP99Seconds),
    dmsCalls,
    majorGcs: value(SERIES.majorGcs, 0), // no series before the first one
    ordersUp: up.filter((l) => l.endsWith(' 1')).length,
    orders: up.length,
    scrapes,
  };
}
