import { createServer, type IncomingMessage } from 'node:http';
import { listen } from '../../src/util/http-server.js';
import { createServer as createNetServer } from 'node:net';

/** A free loopback port (bound, then released; good enough for test services). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
}

/** One series of an instant query's answer. */
export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/**
 * An instant query against the Prometheus at `url`: the series of its vector (none for a scalar or
 * a string). Throws when Prometheus does not answer success, naming the query.
 */
export async function promQuery(url: string, expr: string): Promise<PromSample[]> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; error?: string; data?: { result: unknown } };
  if (body.status !== 'success') throw new Error(`query failed: ${body.error ?? response.status}: ${expr}`);
  const result = body.data?.result;
  return Array.isArray(result) ? (result as PromSample[]) : [];
}

export interface WebhookAlert {
  readonly status: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** An Alertmanager webhook receiver on loopback, keeping every alert it was sent. */
export async function startWebhookReceiver(): Promise<{
  url: string;
  alerts: WebhookAlert[];
  stop(): Promise<void>;
}> {
  const alerts: WebhookAlert[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const payload = JSON.parse(body) as { alerts?: WebhookAlert[] };
      alerts.push(...(payload.alerts ?? []));
      res.writeHead(200).end();
    });
  });
  const listening = await listen(server, { host: '127.0.0.1', port: 0 });
  return { url: `http://${listening.address}/alerts`, alerts, stop: () => listening.close(0) };
}
