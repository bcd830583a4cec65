import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { err, ok, type Result } from 'yaml-files';
import {
  FREE_SOCKET_TIMEOUT_MS,
  MAX_ANSWER_BYTES,
  queryString,
  type HttpAnswer,
  type Transport,
  type TransportFailure,
  type TransportOptions,
} from '../src/dms/transport.js';

// The exporter's transport before undici, kept as the baseline the benches set undici beside (in the
// same run): node:http with one keep-alive agent per profile, a deadline per call that destroys the
// request, and a size cap while the answer arrives. It knows no proxy and no connection bound.

/**
 * A keep-alive agent. Node's own `timeout` option closes a pooled socket once it has been idle that
 * long (lowered further by a server's `Keep-Alive: timeout=N` hint); pooled sockets are unreferenced,
 * so they never keep the process alive.
 */
function agentFor(protocol: 'http' | 'https', freeSocketTimeoutMs: number): HttpAgent {
  const Agent = protocol === 'https' ? HttpsAgent : HttpAgent;
  return new Agent({ keepAlive: true, timeout: freeSocketTimeoutMs, scheduling: 'lifo' });
}

export function createNodeHttpTransport(
  protocol: 'http' | 'https',
  endpoint: string,
  options: TransportOptions,
): Transport {
  const agent = agentFor(protocol, options.freeSocketTimeoutMs ?? FREE_SOCKET_TIMEOUT_MS);
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
