import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator } from './authenticate.js';
import { CallCounter, CallsPerSecond, type SecondTally } from './call-counter.js';
import { rejected, type PlannedAnswer } from './answer.js';
import { callKey, dispatch } from './dispatch.js';
import { parseParams } from './encoding.js';
import { gatewayError, gatewayErrorBody } from './errors.js';
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
   * Wall clock (ms since epoch) for timestamps, nonce expiry and callsPerSecond, and for ticket times unless
   * the scenario fixes its `start_time`; default Date.now.
   */
  now?: () => number;
  /** Optional; one line per rejected request (its code, never a secret). */
  logger?: SimulatorLogger;
}

/** Where the simulator writes its lines: a pino logger fits, and so does a test's recorder. */
export interface SimulatorLogger {
  info(fields: Readonly<Record<string, unknown>>, message: string): void;
  error(fields: Readonly<Record<string, unknown>>, message: string): void;
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
    // RAM is asked after authentication, so a denied call was a call: counted like any other.
    const denial = auth.denial(result.value);
    if (denial !== undefined) return rejected(denial);
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
    if (planned.delayMs <= 0) return send(res, planned, requestId, closing, now());
    // The slow fault: answer later, unless the client gives up first or the simulator closes.
    const timer = setTimeout(() => {
      delayed.delete(res);
      send(res, planned, requestId, closing, now());
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
  const bound = await listenOn(server, options.host ?? '127.0.0.1', options.port ?? 0);

  return {
    endpoint: endpointOf(bound),
    port: bound.port,
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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      });
    },
  };
}

/** Resolves once `server` listens, or rejects with the bind error (EADDRINUSE, EACCES). */
function listenOn(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** `host:port` as the SDK's `endpoint` option wants it; a wildcard address becomes loopback. */
function endpointOf(bound: AddressInfo): string {
  if (bound.family !== 'IPv6')
    return `${bound.address === '0.0.0.0' ? '127.0.0.1' : bound.address}:${bound.port}`;
  return `[${bound.address === '::' ? '::1' : bound.address}]:${bound.port}`;
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

/** `nowMs` is the simulator's clock: the `Date` header tells a client how far apart the clocks are. */
function send(
  res: ServerResponse,
  planned: PlannedAnswer,
  requestId: string,
  closing: boolean,
  nowMs: number,
): void {
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
    date: new Date(nowMs).toUTCString(),
    ...(closing ? { connection: 'close' } : {}),
  });
  res.end(text);
}
