import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { err, ok, type Result } from 'yaml-files';
import type { SignedRequest } from './sign.js';

// The HTTP exchange with the DMS gateway: one keep-alive agent per profile, a deadline per call that
// cancels the request itself, and nothing left running once the call returns (no timer, no socket
// but an idle pooled one that closes on its own).

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export type TransportFailure =
  | { readonly kind: 'timeout'; readonly message: string }
  | { readonly kind: 'aborted'; readonly message: string }
  | { readonly kind: 'network'; readonly message: string; readonly code: string | undefined }
  | { readonly kind: 'too_large'; readonly message: string };

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
 * A keep-alive agent. Node's own `timeout` option closes a pooled socket once it has been idle that
 * long (lowered further by a server's `Keep-Alive: timeout=N` hint); pooled sockets are unreferenced,
 * so they never keep the process alive.
 */
function agentFor(protocol: 'http' | 'https', freeSocketTimeoutMs: number): HttpAgent {
  const Agent = protocol === 'https' ? HttpsAgent : HttpAgent;
  return new Agent({ keepAlive: true, timeout: freeSocketTimeoutMs, scheduling: 'lifo' });
}

export function createTransport(
  protocol: 'http' | 'https',
  endpoint: string,
  freeSocketTimeoutMs = FREE_SOCKET_TIMEOUT_MS,
): Transport {
  const agent = agentFor(protocol, freeSocketTimeoutMs);
  const send = protocol === 'https' ? httpsRequest : httpRequest;
  const { hostname, port } = new URL(`${protocol}://${endpoint}`);
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return {
    send: (request, options) =>
      new Promise((resolve) => {
        if (options.signal.aborted)
          return resolve(err({ kind: 'aborted', message: 'cancelled before sending' }));
        const req = send({
          agent,
          host,
          port: port === '' ? undefined : Number(port),
          method: request.method,
          path: `${request.path}?${queryString(request.query)}`,
          headers: { ...request.headers, 'content-length': '0' },
          signal: options.signal,
        });
        const timer = setTimeout(() => req.destroy(new DeadlineError(options.timeoutMs)), options.timeoutMs);
        const finish = (result: Result<HttpAnswer, TransportFailure>): void => {
          clearTimeout(timer);
          resolve(result);
        };
        req.on('response', (response) => void readAnswer(response).then(finish));
        req.on('error', (error) => finish(err(failureOf(error))));
        req.end();
      }),
  };
}

class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

function failureOf(error: Error & { code?: string }): TransportFailure {
  if (error instanceof DeadlineError) return { kind: 'timeout', message: error.message };
  if (error.name === 'AbortError') return { kind: 'aborted', message: 'cancelled' };
  return { kind: 'network', message: error.message, code: error.code };
}

function readAnswer(response: IncomingMessage): Promise<Result<HttpAnswer, TransportFailure>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
      else response.destroy();
    });
    response.on('error', (error) => resolve(err(failureOf(error))));
    response.on('end', () =>
      resolve(
        ok({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'] ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      ),
    );
    response.on('close', () => {
      if (size > MAX_ANSWER_BYTES)
        resolve(err({ kind: 'too_large', message: `answer larger than ${MAX_ANSWER_BYTES} bytes` }));
    });
  });
}

/** RFC 3986 percent-encoding, the form of the values the signature covers (docs/dms-api.md §4 Common). */
function queryString(query: Readonly<Record<string, string>>): string {
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
