// One scrape as Prometheus 2 makes it: the text format, gzip accepted, a kept-alive connection.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { gunzipSync, gzipSync } from 'node:zlib';
import { API_REQUESTS, JOB_DEGREE_ACTION } from './project.js';

const HEADERS = { accept: 'text/plain; version=0.0.4', 'accept-encoding': 'gzip' };
const SCRAPE_LIMIT_MS = 15 * 60_000;

export interface Scraped {
  /** From sending the request to the last byte of the body. */
  readonly ms: number;
  readonly status: number;
  /** The body as the server meant it (decompressed when it was sent gzipped). */
  readonly body: Buffer;
  /** True when the server answered with Content-Encoding: gzip. */
  readonly serverGzip: boolean;
  /** Bytes on the wire (the gzip size when the server compressed). */
  readonly wireBytes: number;
}

export interface Scraper {
  scrape(): Promise<Scraped>;
  close(): void;
}

export function createScraper(baseUrl: string): Scraper {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL('/metrics', baseUrl);
  return {
    scrape: () =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        const req = request(url, { agent, headers: HEADERS, timeout: SCRAPE_LIMIT_MS }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const ms = performance.now() - started;
            const wire = Buffer.concat(chunks);
            const serverGzip = res.headers['content-encoding'] === 'gzip';
            const body = serverGzip ? gunzipSync(wire) : wire;
            resolve({ ms, status: res.statusCode ?? 0, body, serverGzip, wireBytes: wire.length });
          });
        });
        req.on('timeout', () => req.destroy(new Error(`${url.href} took over ${SCRAPE_LIMIT_MS} ms`)));
        req.on('error', reject);
        req.end();
      }),
    close: () => agent.destroy(),
  };
}

/** The gzip size of a body: what went over the wire if the server compressed, else our own gzip of it. */
export function gzipBytes(scraped: Scraped): number {
  return scraped.serverGzip ? scraped.wireBytes : gzipSync(scraped.body).length;
}

const CALLS_SERIES = new RegExp(`^${API_REQUESTS.name}\\{action="${JOB_DEGREE_ACTION}"\\} (\\S+)$`, 'm');

/** The DMS call counter in a text-format body, or undefined when the body has none. */
export function callCounter(text: string): number | undefined {
  const value = Number(CALLS_SERIES.exec(text)?.[1]);
  return Number.isFinite(value) ? value : undefined;
}
