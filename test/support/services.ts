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

/** One delivery of Alertmanager's webhook: the path it was posted to, the group, its alerts. */
export interface WebhookNotification {
  readonly path: string;
  readonly groupLabels: Record<string, string>;
  readonly alerts: readonly WebhookAlert[];
}

/** Reads a request's body as text. */
function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/**
 * An Alertmanager webhook receiver on loopback, keeping every alert it was sent (`alerts`) and every
 * delivery with its path (`notifications`): `url` ends in /alerts, any other path is taken too.
 */
export async function startWebhookReceiver(): Promise<{
  url: string;
  base: string;
  alerts: WebhookAlert[];
  notifications: WebhookNotification[];
  stop(): Promise<void>;
}> {
  const alerts: WebhookAlert[] = [];
  const notifications: WebhookNotification[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    void bodyOf(req).then((body) => {
      const payload = JSON.parse(body) as { alerts?: WebhookAlert[]; groupLabels?: Record<string, string> };
      alerts.push(...(payload.alerts ?? []));
      notifications.push({
        path: req.url ?? '',
        groupLabels: payload.groupLabels ?? {},
        alerts: payload.alerts ?? [],
      });
      res.writeHead(200).end();
    });
  });
  const listening = await listen(server, { host: '127.0.0.1', port: 0 });
  const base = `http://${listening.address}`;
  return { url: `${base}/alerts`, base, alerts, notifications, stop: () => listening.close(0) };
}

/** A message Alertmanager's wechat_configs sent (WeCom's message/send body). */
export interface WeComMessage {
  readonly touser?: string;
  readonly agentid?: string;
  readonly msgtype?: string;
  readonly text?: { readonly content: string };
}

/**
 * WeCom's API as Alertmanager's WeChat notifier calls it, on loopback: `gettoken` hands out a token,
 * `message/send` keeps the message. `apiUrl` is what `wechat_api_url` takes.
 */
export async function startWeComStub(): Promise<{
  apiUrl: string;
  messages: WeComMessage[];
  stop(): Promise<void>;
}> {
  const messages: WeComMessage[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    void bodyOf(req).then((body) => {
      const path = new URL(req.url ?? '/', 'http://stub').pathname;
      res.writeHead(200, { 'content-type': 'application/json' });
      if (path === '/cgi-bin/gettoken') {
        res.end(JSON.stringify({ errcode: 0, errmsg: 'ok', access_token: 'stub-token', expires_in: 7200 }));
      } else if (path === '/cgi-bin/message/send') {
        messages.push(JSON.parse(body) as WeComMessage);
        res.end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
      } else {
        res.end(JSON.stringify({ errcode: 404, errmsg: `no ${path}` }));
      }
    });
  });
  const listening = await listen(server, { host: '127.0.0.1', port: 0 });
  return { apiUrl: `http://${listening.address}/cgi-bin/`, messages, stop: () => listening.close(0) };
}
