import { Socket } from 'node:net';
import type { Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { Clock } from '../util/clock.js';
import type { TlsSettings } from './schema.js';
import { throttledWarning } from './throttled-log.js';
import { clientCertificateProblem } from './tls.js';

// What the TLS server does with connections before any request: the client certificate policy,
// and a plain-HTTP request sent to it by mistake, which is answered in plain HTTP as Go's servers
// answer it, instead of a connection closed without a word.

const PLAIN_HTTP_BODY = 'Client sent an HTTP request to an HTTPS server.\n';
const PLAIN_HTTP_ANSWER = [
  'HTTP/1.0 400 Bad Request',
  'Content-Type: text/plain; charset=utf-8',
  `Content-Length: ${Buffer.byteLength(PLAIN_HTTP_BODY)}`,
  'Connection: close',
  '',
  PLAIN_HTTP_BODY,
].join('\r\n');

/** client_auth_type and client_allowed_sans, checked once a handshake is done and before any request. */
export function enforceClientCertificates(
  server: HttpsServer,
  current: () => TlsSettings | undefined,
  logger: Logger,
): void {
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    const tls = current();
    const problem = tls && clientCertificateProblem(socket, tls);
    if (problem === undefined) return;
    logger.warn({ remote: socket.remoteAddress, reason: problem }, 'TLS client refused');
    socket.destroy();
  });
}

/**
 * Failed handshakes: one that failed because the client spoke plain HTTP (OpenSSL recognises GET,
 * POST, HEAD and PUT) gets a 400 that says so, and a warning at most once a minute; others are
 * logged at debug level. Either way the connection is closed.
 */
export function answerFailedHandshakes(server: HttpsServer, logger: Logger, clock: Clock): void {
  const plainHttp = throttledWarning(logger, clock, 'plain HTTP request to the TLS port answered 400');
  server.on('tlsClientError', (error: Error & { code?: unknown }, socket: TLSSocket) => {
    if (error.code === 'ERR_SSL_HTTP_REQUEST' && answerInPlainHttp(socket)) {
      plainHttp('plain_http', { remote: socket.remoteAddress });
      return;
    }
    logger.debug({ remote: socket.remoteAddress, reason: error.message }, 'TLS handshake failed');
    socket.destroy();
  });
}

/**
 * Writes the 400 on the connection under the TLS socket. Node keeps that connection as the TLS
 * socket's `_parent`, undocumented: where it is missing the connection is just closed, as before.
 */
function answerInPlainHttp(socket: TLSSocket): boolean {
  const connection: unknown = Reflect.get(socket, '_parent');
  if (!(connection instanceof Socket) || !connection.writable) return false;
  connection.on('error', () => connection.destroy());
  connection.end(PLAIN_HTTP_ANSWER);
  return true;
}
