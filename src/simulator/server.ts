import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { listen } from '../util/http-server.js';
import { createAuthenticator } from './authenticate.js';
import { CallCounter, CallsPerSecond, type SecondTally } from './call-counter.js';
import { rejected, type PlannedAnswer } from './answer.js';
import { callKey, dispatch } from './dispatch.js';
import { parseParams } from './encoding.js';
import { gatewayError, gatewayErrorBody } from './errors.js';
import { RateLimiter } from './throttle.js';
import type { ReceivedRequest } from './request.js';
import type { Scenario, ScenarioCredential } from './scenario.js';
import { momentAt } from './tickets.js';
import { createWorld } from './world.js';

export interface SimulatorOptions {
  scenario: Scenario;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** ms elapsed on the scenario timeline; default: real time since start. Tests pass a fixed value. */
  elapsedMs?: () => number;
  /**
   * Wall clock (ms since epoch) for timestamps, nonce expiry and throttling, and for ticket times unless
   * the scenario fixes its `start_time`; default Date.now.
   */
  now?: () => number;
  /** Optional; one line per rejected request (its code, never a secret). */
  logger?: Logger;
}

export interface RunningSimulator {
  /** 'host:port' exactly as the SDK's `endpoint` option wants (no scheme). */
  readonly endpoint: string;
  readonly port: number;
  /** Signature-verified calls accepted so far, optionally filtered. */
  callCount(filter?: { action?: string; orderId?: number }): number;
  /** Those calls per second of the simulator's clock (`now`), oldest first; the last hour of busy seconds. */
  callsPerSecond(): SecondTally[];
  resetCounts(): void;
  /** Accept these keys from now on instead of the scenario's: a rotated secret or STS token. */
  setCredentials(credentials: readonly ScenarioCredential[]): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
// Longer than common scrape intervals, so the client's pooled socket is rarely closed under it.
const KEEP_ALIVE_MS = 65_000;
const CLOSE_GRACE_MS = 2_000;

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const elapsedMs = options.elapsedMs ?? (() => now() - startedAt);
  const auth = createAuthenticator(options.scenario.credentials);
  const limit = options.scenario.throttle;
  const limiter = limit === undefined ? undefined : new RateLimiter(limit.maxCallsPerSecond);
  const counter = new CallCounter();
  const perSecond = new CallsPerSecond();
  const world = createWorld(options.scenario);
  const delayed = new Set<ServerResponse>();
  let closing = false;

  function plan(request: ReceivedRequest, requestId: string): PlannedAnswer {
    if (request.method !== 'GET' && request.method !== 'POST')
      return rejected(gatewayError('UnsupportedHTTPMethod'));
    const result = auth.authenticate(request, now());
    if (!result.ok) return rejected(result.error);
    counter.add(callKey(result.value));
    perSecond.add(now());
    if (limiter !== undefined && !limiter.allow(now())) return rejected(gatewayError('Throttling.User'));
    const moment = momentAt(elapsedMs(), now(), options.scenario);
    return dispatch(result.value, request.path, world, moment, requestId);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID().toUpperCase();
    const body = await readBody(req);
    const planned =
      body === undefined ? rejected(gatewayError('RequestTooLarge')) : plan(received(req, body), requestId);
    if (planned.rejectedCode !== undefined) {
      options.logger?.info(
        { code: planned.rejectedCode, method: req.method, requestId },
        'simulator rejected a request',
      );
    }
    if (planned.delayMs <= 0) return send(res, planned, requestId, closing);
    // The slow fault: answer later, unless the client gives up first or the simulator closes.
    const timer = setTimeout(() => {
      delayed.delete(res);
      send(res, planned, requestId, closing);
    }, planned.delayMs);
    delayed.add(res);
    res.on('close', () => {
      clearTimeout(timer);
      delayed.delete(res);
    });
  }

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  const listening = await listen(server, { host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const [host = '', port = ''] = /^(.*):(\d+)$/.exec(listening.address)?.slice(1) ?? [];

  return {
    endpoint: `${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${port}`,
    port: listening.port,
    callCount: (filter) => counter.count(filter),
    callsPerSecond: () => perSecond.seconds(),
    resetCounts: () => {
      counter.reset();
      perSecond.reset();
    },
    setCredentials: (credentials) => auth.replaceCredentials(credentials),
    async close() {
      closing = true;
      for (const res of delayed) res.destroy();
      // Requests still being answered get their answer (with `Connection: close`), then their socket ends.
      await listening.close(CLOSE_GRACE_MS);
    },
  };
}

function received(req: IncomingMessage, body: Buffer): ReceivedRequest {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: mark === -1 ? url : url.slice(0, mark),
    query: parseParams(mark === -1 ? '' : url.slice(mark + 1)) ?? [],
    headers: req.headersDistinct,
    body,
  };
}

/** The whole body, or undefined when it is larger than the gateway accepts (the rest is drained). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    req.on('error', () => resolve(undefined));
  });
}

function send(res: ServerResponse, planned: PlannedAnswer, requestId: string, closing: boolean): void {
  if (res.destroyed || res.writableEnded) return;
  const { answer } = planned;
  const status = answer.kind === 'gateway' ? answer.error.status : 200;
  const text =
    answer.kind === 'broken'
      ? answer.text
      : JSON.stringify(answer.kind === 'gateway' ? gatewayErrorBody(answer.error, requestId) : answer.body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-acs-request-id': requestId,
    ...(closing ? { connection: 'close' } : {}),
  });
  res.end(text);
}
