import type Koa from 'koa';
import type { Logger } from 'pino';
import { ok, type Result } from 'yaml-files/basics';
import { createCollector, type Collector } from './collector/collector.js';
import { DiscoveryService } from './discovery/service.js';
import type { Env } from './config/env.js';
import { createAlibabaDmsClient, type Exchange } from './dms/alibaba-client.js';
import { createApp } from './http/app.js';
import { createSelfMetrics, type BuildInfo } from './metrics/self-metrics.js';
import { openRuntimeStore, type ClientFactory, type ConfigSource, type RuntimeStore } from './runtime.js';
import { systemClock, type Clock } from './util/clock.js';
import { listen, type ListenAddress, type ListeningServer } from './util/http-server.js';
import type { ServerCertificate, WebConfig } from './web/load.js';
import { createWebServer } from './web/server.js';

export interface ExporterOptions {
  readonly source: ConfigSource;
  readonly logger: Logger;
  readonly build: BuildInfo;
  readonly clock?: Clock;
  /** How a profile becomes a DMS client; createAlibabaDmsClient unless a test says otherwise. */
  readonly makeClient?: ClientFactory;
  /** Where the DMS clients read HTTPS_PROXY, HTTP_PROXY and NO_PROXY; none unless given. */
  readonly env?: Env;
  /** Allow POST /-/reload (--web.enable-lifecycle); off unless asked for, as in Prometheus. */
  readonly enableLifecycle?: boolean;
}

export interface Exporter {
  readonly app: Koa;
  readonly store: RuntimeStore;
  readonly collector: Collector;
  /** Stops background work (ticket discovery timers). */
  stop(): void;
  /** Serves the app: plain HTTP without a web config, else with its TLS, basic auth and headers. */
  listen(address: ListenAddress, web?: WebConfig): Promise<ListeningServer>;
}

/**
 * How the exporter makes a profile's DMS client (signing, transport, proxy, credentials); --dms.check
 * makes its clients here too, with `onExchange` to hear how each call went.
 */
export function alibabaClientFactory(options: {
  readonly build: BuildInfo;
  readonly logger: Logger;
  readonly env?: Env | undefined;
  readonly onExchange?: (exchange: Exchange) => void;
}): ClientFactory {
  const { build, logger, env, onExchange } = options;
  const userAgent = `dms-datatrack-exporter/${build.version}`;
  return (profile, connections) =>
    createAlibabaDmsClient(profile, {
      userAgent,
      logger,
      connections,
      env,
      ...(onExchange === undefined ? {} : { onExchange }),
    });
}

/**
 * The one place the exporter is wired together: main.ts and the tests both build it here. Loads the
 * first configuration and fails (with every problem) when it is not valid.
 */
export async function createExporter(options: ExporterOptions): Promise<Result<Exporter, readonly string[]>> {
  const { logger, build } = options;
  const clock = options.clock ?? systemClock;
  const self = createSelfMetrics(build);
  const discovery = new DiscoveryService({ clock, api: self.recorder, recorder: self.discovery, logger });
  const store = await openRuntimeStore({
    source: options.source,
    makeClient: options.makeClient ?? alibabaClientFactory({ build, logger, env: options.env }),
    onLoaded: (success) => self.configLoaded(success, clock.now()),
    logger,
    clock,
    discovered: () => discovery.orders,
    onRuntime: ({ config, target }) => {
      self.profilesFollowed(config.profiles.keys());
      discovery.configure(config, (profile) => ({
        client: target.clientFor(profile),
        bucket: target.bucketFor(profile),
        slots: target.slots,
      }));
    },
  });
  if (!store.ok) return store;
  const collector = createCollector({ recorder: self.recorder, logger, clock });
  const app = createApp({
    store: store.value,
    collector,
    selfMetrics: self,
    logger,
    version: build.version,
    clock,
    enableLifecycle: options.enableLifecycle ?? false,
  });
  return ok({
    app,
    store: store.value,
    collector,
    stop: () => discovery.stop(),
    listen: (address, web) => {
      const onCertificate = (served: ServerCertificate) => self.tlsCertificateLoaded(served.dates.notAfterMs);
      return listen(createWebServer(app.callback(), web, logger, { clock, onCertificate }), address);
    },
  });
}
