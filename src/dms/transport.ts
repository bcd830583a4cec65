import type { Dispatcher } from 'undici';
import Agent from 'undici/lib/dispatcher/agent.js';
import Pool from 'undici/lib/dispatcher/pool.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
import connect from 'undici/lib/api/api-connect.js';
import { err, ok, type Result } from 'yaml-files/basics';
import type { SignedRequest } from './sign.js';

// The HTTP exchange with the DMS gateway, sent by undici: one keep-alive pool per profile (through
// its proxy when it has one), a deadline per call that ends the call at once and cancels its request,
// and nothing left running once the call returns (no timer, no socket but an idle pooled one).
// Each call is a dispatch handler (Exchange) rather than undici's request(): request() applies an
// abort only once the request has a connection, so a deadline passing while a connection or a proxy
// tunnel is being opened would not end the call, and it cannot tell a proxy that opens no tunnel
// from a DMS that does not answer. The handler also collects the body without a stream.

// undici's entry point loads all of undici (fetch, WebSocket, caches, mocks): about 250 ms of CPU
// at every start on a 2-core machine, a third more than the rest of the exporter. The three
// dispatchers used here load on their own in about 85 ms. The entry point also gives every
// dispatcher the request API (request, connect, ...); ProxyAgent opens its tunnels with its proxy
// client's connect(), so that client (ours, from clientFactory) carries connect itself. The proxy
// tests (test/e2e/proxy.test.ts) fail if an undici release moves these files; their types are in
// undici-parts.d.ts.

/** The pool to the proxy, able to open CONNECT tunnels. */
class ProxyPool extends Pool {
  override connect = connect;
}

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** The `Date` header, as sent: the gateway's clock (what --dms.check compares ours with). */
  readonly date?: string | undefined;
}

/** What went wrong on the way to the proxy, before a tunnel through it was open. */
export type ProxyProblem = 'refused' | 'auth' | 'timeout';

export type TransportFailure =
  | { readonly kind: 'timeout'; readonly message: string }
  | { readonly kind: 'aborted'; readonly message: string }
  | { readonly kind: 'network'; readonly message: string; readonly code: string | undefined }
  | { readonly kind: 'too_large'; readonly message: string }
  | { readonly kind: 'proxy'; readonly problem: ProxyProblem; readonly message: string };

export interface Transport {
  send(
    request: SignedRequest,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<Result<HttpAnswer, TransportFailure>>;
}

/**
 * An idle pooled socket is closed after this long: well below the idle timeout of any server or
 * load balancer in the way (typically 15-75 s), so a socket the other side is about to close is
 * never reused, while the sockets of one scrape are reused by the next calls of the same scrape.
 */
export const FREE_SOCKET_TIMEOUT_MS = 4_000;
/** Answers are small JSON documents; a larger one is refused before it can fill the memory. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/**
 * Opening a connection (TCP and TLS, or the proxy's CONNECT) is shared by the calls that reuse it, so
 * no single call's deadline can cancel it: this bounds it instead.
 */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Through a proxy, the tunnel must be open within this long, or half the call's time when that is
 * shorter: a proxy that hangs is then named as such (`proxy_timeout`) while the scrape still waits,
 * rather than showing as a DMS `timeout` at the deadline.
 */
export const PROXY_TUNNEL_TIMEOUT_MS = 5_000;

export interface TransportOptions {
  /**
   * At most this many connections to the endpoint: the calls allowed in flight at once. Without a
   * bound, undici opens a new connection whenever a pooled one is briefly busy (it checks an idle
   * socket for one event-loop turn before reusing it), and the pool grows to twice the calls in flight.
   */
  readonly connections: number;
  /** An idle pooled socket is closed after this long (a server's shorter Keep-Alive hint wins). */
  readonly freeSocketTimeoutMs?: number;
  /** Send through this HTTP proxy (`http://[user:password@]host:port`); none: connect directly. */
  readonly proxy?: URL | undefined;
}

export function createTransport(
  protocol: 'http' | 'https',
  endpoint: string,
  options: TransportOptions,
): Transport {
  const origin = `${protocol}://${endpoint}`;
  const proxied = options.proxy !== undefined;
  const dispatcher = dispatcherFor(options);
  return {
    send: (request, { signal, timeoutMs }) => {
      if (signal.aborted)
        return Promise.resolve(err({ kind: 'aborted', message: 'cancelled before sending' }));
      return new Promise((resolve) => {
        const exchange = new Exchange(resolve, signal, timeoutMs, proxied);
        const path = `${request.path}?${queryString(request.query)}`;
        dispatcher.dispatch({ origin, path, method: request.method, headers: request.headers }, exchange);
      });
    },
  };
}

/** A transport whose every call fails the same way (a proxy that cannot be used as configured). */
export function failingTransport(failure: TransportFailure): Transport {
  return { send: () => Promise.resolve(err(failure)) };
}

/**
 * undici's keep-alive pool: idle sockets close after `freeSocketTimeoutMs`, or sooner when the
 * server's `Keep-Alive: timeout=N` hint says so (less a 2 s margin), never later; an answer over the
 * cap is cut off while it arrives. Idle sockets are unreferenced, so they never keep the process alive.
 * undici's own header and body timeouts are off: the call's deadline covers the whole exchange.
 */
function dispatcherFor(options: TransportOptions): Dispatcher {
  const { connections, proxy, freeSocketTimeoutMs = FREE_SOCKET_TIMEOUT_MS } = options;
  const pooling = {
    connections,
    keepAliveTimeout: freeSocketTimeoutMs,
    keepAliveMaxTimeout: freeSocketTimeoutMs,
    maxResponseSize: MAX_ANSWER_BYTES,
    headersTimeout: 0,
    bodyTimeout: 0,
  };
  if (proxy === undefined) return new Agent({ ...pooling, connect: { timeout: CONNECT_TIMEOUT_MS } });
  // Every call goes through a CONNECT tunnel (the way to an https endpoint; the simulator's http too).
  // The proxy's own client answers the CONNECT: bounded, as no call's deadline reaches it.
  return new ProxyAgent({
    ...pooling,
    uri: proxy.href,
    proxyTls: { timeout: CONNECT_TIMEOUT_MS },
    requestTls: { timeout: CONNECT_TIMEOUT_MS },
    clientFactory: (url, clientOptions) =>
      new ProxyPool(url, {
        ...clientOptions,
        headersTimeout: CONNECT_TIMEOUT_MS,
        bodyTimeout: CONNECT_TIMEOUT_MS,
      }),
  });
}

function tunnelTimeoutMs(timeoutMs: number): number {
  return Math.min(PROXY_TUNNEL_TIMEOUT_MS, Math.ceil(timeoutMs / 2));
}

type Settle = (result: Result<HttpAnswer, TransportFailure>) => void;

/**
 * One call's exchange, as undici's dispatch handler. Settles once: with the answer, undici's error,
 * the deadline or the caller's abort, whichever comes first. undici starts a request only once a
 * connection is open (for a proxy, once the tunnel is), so a call that ends before then cancels its
 * request when it starts; the connection being opened is bounded by CONNECT_TIMEOUT_MS.
 */
class Exchange implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  #settled = false;
  #status = 0;
  #contentType = '';
  #date: string | undefined;
  readonly #chunks: Buffer[] = [];
  #timer: NodeJS.Timeout;

  constructor(
    private readonly settle: Settle,
    private readonly signal: AbortSignal,
    private readonly timeoutMs: number,
    private readonly proxied: boolean,
  ) {
    this.#timer = this.proxied
      ? setTimeout(() => this.#tunnelDue(), tunnelTimeoutMs(timeoutMs))
      : setTimeout(() => this.#end(this.#timeout()), timeoutMs);
    signal.addEventListener('abort', this);
  }

  /** Through a proxy: no tunnel yet is the proxy's failure; with one, the time left is DMS's. */
  #tunnelDue(): void {
    const tunnelMs = tunnelTimeoutMs(this.timeoutMs);
    if (this.#controller === undefined) {
      const message = `no tunnel through the proxy within ${tunnelMs} ms`;
      return this.#end({ kind: 'proxy', problem: 'timeout', message });
    }
    this.#timer = setTimeout(() => this.#end(this.#timeout()), this.timeoutMs - tunnelMs);
  }

  #timeout(): TransportFailure {
    return { kind: 'timeout', message: `no answer within ${this.timeoutMs} ms` };
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    this.#end({ kind: 'aborted', message: 'cancelled' });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#settled) controller.abort(new Error('the call has ended'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#status = statusCode;
    const type = headers['content-type'];
    this.#contentType = typeof type === 'string' ? type : '';
    const date = headers.date;
    this.#date = typeof date === 'string' ? date : undefined;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    const body = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks);
    this.#finish(
      ok({
        status: this.#status,
        contentType: this.#contentType,
        body: body?.toString('utf8') ?? '',
        date: this.#date,
      }),
    );
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#finish(err(failureOf(error, this.proxied && this.#controller === undefined)));
  }

  /** Ends the call from our side: the deadline or the caller's abort. */
  #end(failure: TransportFailure): void {
    if (this.#settled) return;
    this.#finish(err(failure));
    this.#controller?.abort(new Error(failure.message));
  }

  #finish(result: Result<HttpAnswer, TransportFailure>): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.signal.removeEventListener('abort', this);
    this.settle(result);
  }
}

// undici's answer to a CONNECT other than 200 (its own message; the status is all we take from it).
const CONNECT_STATUS = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/;
const PROXY_TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);
// The proxy could not be reached, or dropped the connection before the tunnel was open. Anything
// else before the tunnel (a TLS failure with the endpoint behind it) is the endpoint's: `network`.
const PROXY_UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

/** undici's error, as a failure; `beforeTunnel`: the call went through a proxy that opened no tunnel. */
function failureOf(error: Error & { code?: string }, beforeTunnel: boolean): TransportFailure {
  const { code, message } = error;
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE')
    return { kind: 'too_large', message: `answer larger than ${MAX_ANSWER_BYTES} bytes` };
  if (!beforeTunnel)
    return code === 'UND_ERR_CONNECT_TIMEOUT'
      ? { kind: 'timeout', message: `no connection within ${CONNECT_TIMEOUT_MS} ms` }
      : { kind: 'network', message, code };
  const status = CONNECT_STATUS.exec(message)?.[1];
  // 407 asks for credentials; some proxies (tinyproxy) answer wrong ones with 401.
  if (status === '407' || status === '401')
    return { kind: 'proxy', problem: 'auth', message: `the proxy refused the credentials (${status})` };
  if (status !== undefined)
    return { kind: 'proxy', problem: 'refused', message: `the proxy refused the tunnel (${status})` };
  if (code !== undefined && PROXY_TIMEOUTS.has(code))
    return {
      kind: 'proxy',
      problem: 'timeout',
      message: `no tunnel through the proxy within ${CONNECT_TIMEOUT_MS} ms`,
    };
  if (code !== undefined && PROXY_UNREACHABLE.has(code))
    return { kind: 'proxy', problem: 'refused', message: `cannot reach the proxy: ${message}` };
  return { kind: 'network', message, code };
}

/** RFC 3986 percent-encoding, the form of the values the signature covers (docs/dms-api.md §4 Common). */
export function queryString(query: Readonly<Record<string, string>>): string {
  return Object.entries(query)
    .map(([name, value]) => `${encode(name)}=${encode(value)}`)
    .join('&');
}

function encode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
