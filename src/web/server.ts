import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { refuseConnect, type WebServer } from '../util/http-server.js';
import { createPasswordChecker, parseBasicAuth } from './basic-auth.js';
import type { WebConfig } from './load.js';
import type { TlsSettings, WebSettings } from './schema.js';
import { clientCertificateProblem, clientCertificateRequest } from './tls.js';
import { watchWebConfig } from './watch.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * The exporter's server. Without a web config, plain HTTP as before. With one, what it says for
 * every path: TLS (certificates re-read when their files change), the client certificate policy,
 * basic auth and the extra response headers.
 */
export function createWebServer(
  handle: RequestHandler,
  web: WebConfig | undefined,
  logger: Logger,
): WebServer {
  if (web === undefined) return refuseConnect(createHttpServer((req, res) => void handle(req, res)));
  const tls = web.settings.tls;
  const https =
    tls && web.secureContext
      ? createHttpsServer({ ...web.secureContext(), ...clientCertificateRequest(tls) })
      : undefined;
  const server = refuseConnect(https ?? createHttpServer());
  const watch = watchWebConfig(web, {
    logger,
    onChange: (next) => {
      if (https !== undefined && next.secureContext !== undefined)
        https.setSecureContext(next.secureContext());
    },
  });
  const admit = gate();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    watch.refresh();
    void admit(watch.current().settings, req, res).then((allowed) => allowed && handle(req, res));
  });
  // Runs before Node wraps a new connection in TLS, so a rotated certificate serves this handshake.
  server.prependListener('connection', () => watch.refresh());
  if (https !== undefined) enforceClientCertificates(https, () => watch.current().settings.tls, logger);
  return server;
}

/** client_auth_type and client_allowed_sans, checked once a handshake is done and before any request. */
function enforceClientCertificates(
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
  server.on('tlsClientError', (error: Error, socket: TLSSocket) => {
    logger.debug({ remote: socket.remoteAddress, reason: error.message }, 'TLS handshake failed');
    socket.destroy();
  });
}

/** Extra headers on every answer, then basic auth when users are configured (401 otherwise). */
function gate() {
  const checkPassword = createPasswordChecker();
  return async (settings: WebSettings, req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    for (const [name, value] of settings.headers) res.setHeader(name, value);
    if (settings.users.size === 0) return true;
    const given = parseBasicAuth(req.headers.authorization);
    if (given !== undefined && (await checkPassword(settings.users, given))) return true;
    res.writeHead(401, { 'WWW-Authenticate': 'Basic', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Unauthorized\n');
    return false;
  };
}
