import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** Where a server listens: `host` undefined means every interface, as `:PORT` does for exporters. */
export interface ListenAddress {
  readonly host: string | undefined;
  readonly port: number;
}

/** What the exporter serves on: node:http, or node:https when a web config turns TLS on. */
export type WebServer = Server | HttpsServer;

export interface ListeningServer {
  /** `HOST:PORT` as bound (`[v6]:PORT` for IPv6), with the real port when 0 was asked for. */
  readonly address: string;
  readonly port: number;
  /** Stops accepting, lets requests in progress finish for up to `graceMs`, then cuts the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Listens, resolving once bound (or rejecting with the bind error, e.g. EADDRINUSE). */
export function listen(server: WebServer, at: ListenAddress): Promise<ListeningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      const bound = server.address() as AddressInfo;
      const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
      resolve({
        address: `${host}:${bound.port}`,
        port: bound.port,
        close: (graceMs) => closeServer(server, graceMs),
      });
    });
  });
}

function closeServer(server: WebServer, graceMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Scrapers keep connections alive; idle ones would hold close() open.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), graceMs).unref();
  });
}

const CONNECT_REFUSED = [
  'HTTP/1.1 405 Method Not Allowed',
  'Allow: GET, HEAD, OPTIONS, POST',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Length: 19',
  'Connection: close',
  '',
  'Method Not Allowed\n',
].join('\r\n');

/**
 * CONNECT never reaches the request handler: Node hands it over as the `connect` event and, with no
 * listener, drops the connection without a word. This server tunnels nothing, so it answers 405 like
 * any method it does not allow, with every method it does, and closes the connection.
 */
export function refuseConnect<S extends WebServer>(server: S): S {
  server.on('connect', (_request: unknown, socket: Duplex) => {
    // Node has removed its own error handling from the socket by now; a reset must not crash us.
    socket.on('error', () => socket.destroy());
    socket.end(CONNECT_REFUSED);
  });
  return server;
}
