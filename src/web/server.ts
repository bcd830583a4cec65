import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../util/clock.js';
import { refuseConnect, type WebServer } from '../util/http-server.js';
import { createPasswordChecker } from './basic-auth.js';
import { warnIfNotValid } from './certificate.js';
import { createGate } from './gate.js';
import type { ServerCertificate, WebConfig } from './load.js';
import { createPasswordPool, type PoolOptions } from './password-pool.js';
import { createRefusals } from './refusal.js';
import { clientCertificateRequest } from './tls.js';
import { answerFailedHandshakes, enforceClientCertificates } from './tls-server.js';
import { watchWebConfig } from './watch.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface WebServerOptions {
  readonly clock?: Clock;
  /** Told the served certificate at start and after each reload (for its expiry metric). */
  readonly onCertificate?: (certificate: ServerCertificate) => void;
  /** The size of basic auth's password pool; the defaults unless a test says otherwise. */
  readonly passwordPool?: PoolOptions;
  /** How long a 429 is held before it is sent (refusal.ts); 1 s unless a test says otherwise. */
  readonly tooManyHoldMs?: number;
}

/**
 * The exporter's server. Without a web config, plain HTTP as before. With one, what it says for
 * every path: TLS (certificates re-read when their files change), the client certificate policy,
 * rate_limit, basic auth and the extra response headers.
 */
export function createWebServer(
  handle: RequestHandler,
  web: WebConfig | undefined,
  logger: Logger,
  options: WebServerOptions = {},
): WebServer {
  if (web === undefined) return refuseConnect(createHttpServer((req, res) => void handle(req, res)));
  const clock = options.clock ?? systemClock;
  const tls = web.settings.tls;
  const https =
    tls && web.secureContext
      ? createHttpsServer({ ...web.secureContext(), ...clientCertificateRequest(tls) })
      : undefined;
  const server = refuseConnect(https ?? createHttpServer());
  const certificateLoaded = (config: WebConfig): void => {
    if (config.serverCertificate === undefined) return;
    warnIfNotValid(config.serverCertificate.dates, clock.now(), config.serverCertificate.file, logger);
    options.onCertificate?.(config.serverCertificate);
  };
  certificateLoaded(web);
  const watch = watchWebConfig(web, {
    logger,
    onChange: (next) => {
      if (https !== undefined && next.secureContext !== undefined)
        https.setSecureContext(next.secureContext());
      certificateLoaded(next);
    },
  });
  const gate = createGate({
    logger,
    clock,
    checker: createPasswordChecker({ pool: createPasswordPool(options.passwordPool) }),
    refusals: createRefusals(options.tooManyHoldMs),
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    watch.refresh();
    void gate.admit(watch.current().settings, req, res).then((allowed) => allowed && handle(req, res));
  });
  server.on('close', () => void gate.close());
  // Runs before Node wraps a new connection in TLS, so a rotated certificate serves this handshake.
  server.prependListener('connection', () => watch.refresh());
  if (https !== undefined) {
    enforceClientCertificates(https, () => watch.current().settings.tls, logger);
    answerFailedHandshakes(https, logger, clock);
  }
  return server;
}
