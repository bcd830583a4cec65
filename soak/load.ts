// Scrape loops, each on its own kept-alive connection, as several Prometheus servers would scrape:
// half ask as Prometheus 3 does (OpenMetrics first, gzip), half as curl does; with a 2.5 s scrape
// timeout (2 s for DMS), except the first loop: 1 s (0.5 s for DMS), shorter than the slow order.
import { Agent, request } from 'node:http';

const PROMETHEUS_3 = {
  accept:
    'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1',
  'accept-encoding': 'gzip',
  'x-prometheus-scrape-timeout-seconds': '2.5',
};
const CURL = { accept: '*/*', 'x-prometheus-scrape-timeout-seconds': '2.5' };
/** A scrape that takes longer has failed (the exporter answers within its 5 s timeout). */
const SCRAPE_LIMIT_MS = 30_000;

export interface LoadCounts {
  scrapes: number;
  failed: number;
  /** Why scrapes failed: `status 500`, an error message; at most a few distinct reasons are kept. */
  readonly failures: Map<string, number>;
}

export interface Load {
  readonly counts: LoadCounts;
  /** Ends every loop after its current scrape. */
  stop(): Promise<void>;
}

export function startScrapers(baseUrl: string, count: number): Load {
  const counts: LoadCounts = { scrapes: 0, failed: 0, failures: new Map() };
  let stopping = false;
  const fail = (reason: string): void => {
    counts.failed += 1;
    if (counts.failures.size < 20 || counts.failures.has(reason))
      counts.failures.set(reason, (counts.failures.get(reason) ?? 0) + 1);
  };
  const loop = async (index: number): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const headers = {
      ...(index % 2 === 0 ? PROMETHEUS_3 : CURL),
      ...(index === 0 ? { 'x-prometheus-scrape-timeout-seconds': '1' } : {}),
    };
    try {
      while (!stopping) {
        const status = await scrape(agent, new URL('/metrics', baseUrl), headers).catch((err: Error) => err);
        counts.scrapes += 1;
        if (status instanceof Error) fail(status.message);
        else if (status !== 200) fail(`status ${status}`);
      }
    } finally {
      agent.destroy();
    }
  };
  const loops = Array.from({ length: count }, (_, i) => loop(i));
  return {
    counts,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

/** One scrape, body read to the end and dropped; resolves with the status. */
function scrape(agent: Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers, timeout: SCRAPE_LIMIT_MS }, (res) => {
      res.on('data', () => undefined);
      res.on('error', reject);
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${SCRAPE_LIMIT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}
