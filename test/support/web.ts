import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { SecureVersion, TLSSocket } from 'node:tls';
import { Writable } from 'node:stream';
import { afterAll, afterEach } from 'vitest';
import { configFromText } from '../../src/config/parse.js';
import { createExporter } from '../../src/exporter.js';
import { createLogger } from '../../src/logging.js';
import type { Logger } from 'pino';
import type { Clock } from '../../src/util/clock.js';
import { listen, type ListeningServer } from '../../src/util/http-server.js';
import { readWebConfigFile, type WebConfig } from '../../src/web/load.js';
import { createWebServer, type WebServerOptions } from '../../src/web/server.js';

// An exporter with no orders (so no DMS is needed), built by createExporter and listening as
// main.ts has it listen, plus an HTTP(S) client that shows what tests look at.

export interface WebServed {
  readonly server: ListeningServer;
  /** `https://localhost:PORT` with TLS (the test certificates name localhost), else `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Writes `text` to `file` (a web.yml) and loads it as main.ts does; throws when it is refused. */
export function webConfig(file: string, text: string): WebConfig {
  writeFileSync(file, text);
  const loaded = readWebConfigFile(file);
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  return loaded.value;
}

/** A logger that keeps every line it writes, parsed. */
function capturedLogger(): { logger: Logger; logs: Array<Record<string, unknown>> } {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('debug', 'json', sink), logs };
}

function served(server: ListeningServer, web: WebConfig | undefined, logs: WebServed['logs']): WebServed {
  const url = web?.settings.tls ? `https://localhost:${server.port}` : `http://127.0.0.1:${server.port}`;
  return { server, url, logs, close: () => server.close(0) };
}

/**
 * For one describe block: a temp dir with the path of its web.yml, and `started`, which takes the
 * server a test started and closes it after that test.
 */
export function webTestBed(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let current: WebServed | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { file: join(dir, 'web.yml'), started: (served: WebServed): WebServed => (current = served) };
}

export async function serveWeb(
  web: WebConfig | undefined,
  options: { readonly enableLifecycle?: boolean; readonly clock?: Clock } = {},
): Promise<WebServed> {
  const { logger, logs } = capturedLogger();
  const exporter = await createExporter({
    source: () => Promise.resolve(configFromText('orders: []\n', 'config.yaml', {})),
    logger,
    build: { version: 'test', revision: 'test' },
    enableLifecycle: options.enableLifecycle ?? false,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  if (!exporter.ok) throw new Error(exporter.error.join('\n'));
  return served(await exporter.value.listen({ host: '127.0.0.1', port: 0 }, web), web, logs);
}

/**
 * The web server alone, with options the exporter does not expose (the password pool's size, a
 * manual clock), in front of a handler that answers every request let through with 200 `ok`.
 */
export async function serveGated(web: WebConfig, options: WebServerOptions): Promise<WebServed> {
  const { logger, logs } = capturedLogger();
  const server = createWebServer((_req, res) => res.end('ok\n'), web, logger, options);
  return served(await listen(server, { host: '127.0.0.1', port: 0 }), web, logs);
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Serial number of the certificate the server presented (TLS only). */
  readonly serverSerial: string | undefined;
  /** Negotiated TLS version and OpenSSL cipher name (TLS only). */
  readonly protocol: string | undefined;
  readonly cipher: string | undefined;
}

export interface ClientOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** Basic auth as `user:password`. */
  readonly auth?: string;
  /** PEM trust anchors, client certificate and key (TLS only). */
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly maxVersion?: SecureVersion;
}

/**
 * One request on a new connection (no agent: no pooled socket, no cached TLS session), so each
 * call is a fresh handshake. Rejects when the connection or the handshake fails.
 */
export function call(url: string, path: string, options: ClientOptions = {}): Promise<Answer> {
  const target = new URL(path, url);
  const base: RequestOptions = {
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    agent: false,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.cert ? { cert: options.cert } : {}),
    ...(options.key ? { key: options.key } : {}),
    ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, base, (res) => {
      const socket = res.socket as TLSSocket;
      const tls = typeof socket.getPeerCertificate === 'function';
      const serverSerial = tls ? socket.getPeerCertificate().serialNumber : undefined;
      const protocol = tls ? (socket.getProtocol() ?? undefined) : undefined;
      const cipher = tls ? socket.getCipher().name : undefined;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, serverSerial, protocol, cipher }),
      );
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end();
  });
}
