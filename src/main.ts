#!/usr/bin/env node
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createApp, createHttpServer } from './app.js';
import { USAGE, parseCommandLine, type ExporterFlags, type ListenAddress } from './cli.js';
import { createCollector } from './collector/collector.js';
import { loadConfigFile } from './config/index.js';
import type { Config } from './config/types.js';
import { createAlibabaDmsClient } from './dms/alibaba-client.js';
import { DEMO_HEAD_START_MS, demoConfig, generateDemoCredentials } from './demo.js';
import { createLogger } from './logging.js';
import { createSelfMetrics } from './metrics/self-metrics.js';
import { buildRuntime, createRuntimeStore, type ConfigSource } from './runtime.js';
import { demoScenario, loadScenarioFile, startSimulator } from './simulator/index.js';

const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
const REVISION = process.env.DMS_EXPORTER_REVISION ?? 'unknown';

/** Resolves to an exit code for one-shot commands, or to 'serving' once a server is up. */
async function main(argv: readonly string[]): Promise<number | 'serving'> {
  const command = parseCommandLine(argv);
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'version':
      process.stdout.write(
        `dms-datatrack-exporter ${VERSION} (revision ${REVISION}, node ${process.version})\n`,
      );
      return 0;
    case 'usage_error':
      process.stderr.write(`error: ${command.message}\n\n${USAGE}`);
      return 2;
    case 'simulate':
      return runSimulator(
        command.scenarioFile,
        command.listen,
        createLogger(command.logLevel, command.logFormat),
      );
    case 'exporter':
      return command.flags.configCheck ? checkConfig(command.flags.configFile) : runExporter(command.flags);
  }
}

async function checkConfig(file: string): Promise<number> {
  const loaded = await loadConfigFile(file);
  if (!loaded.ok) {
    process.stderr.write(`${loaded.errors.join('\n')}\n`);
    return 1;
  }
  const { orders, profiles } = loaded.config;
  process.stdout.write(`${file}: OK (${orders.length} orders, ${profiles.size} profiles)\n`);
  return 0;
}

async function runExporter(flags: ExporterFlags): Promise<number | 'serving'> {
  const logger = createLogger(flags.logLevel, flags.logFormat);
  const closers: Array<() => Promise<void>> = [];
  let source: ConfigSource;
  if (flags.demo) {
    const demo = await startDemoSimulator(logger);
    closers.push(demo.close);
    source = () => Promise.resolve({ ok: true, config: demo.config });
  } else {
    source = () => loadConfigFile(flags.configFile);
  }
  const loaded = await source();
  if (!loaded.ok) {
    process.stderr.write(`${loaded.errors.join('\n')}\n`);
    await Promise.all(closers.map((close) => close()));
    return 1;
  }

  const self = createSelfMetrics({ version: VERSION, revision: REVISION });
  self.configLoaded(true, Date.now());
  const userAgent = `dms-datatrack-exporter/${VERSION}`;
  const makeClient = (profile: Parameters<typeof createAlibabaDmsClient>[0]) =>
    createAlibabaDmsClient(profile, { userAgent });
  const store = createRuntimeStore(
    buildRuntime(loaded.config, makeClient),
    source,
    makeClient,
    (ok) => self.configLoaded(ok, Date.now()),
    logger,
  );
  const collector = createCollector({ recorder: self.recorder, logger });
  const app = createApp({ store, collector, selfMetrics: self, logger, version: VERSION });

  const server = createHttpServer(app);
  const address = await listen(server, flags.listen);
  logger.info(
    { address, orders: loaded.config.orders.length, version: VERSION, demo: flags.demo },
    'serving metrics at /metrics',
  );
  closers.unshift(() => closeServer(server));
  process.on('SIGHUP', () => void store.reload());
  shutdownOnSignals(logger, closers);
  return 'serving';
}

async function startDemoSimulator(logger: Logger): Promise<{ config: Config; close: () => Promise<void> }> {
  const credentials = generateDemoCredentials();
  const scenario = demoScenario(credentials);
  const startedMs = Date.now();
  const simulator = await startSimulator({
    scenario,
    elapsedMs: () => Date.now() - startedMs + DEMO_HEAD_START_MS,
    logger: logger.child({ component: 'simulator' }),
  });
  logger.info(
    { endpoint: simulator.endpoint },
    'demo: built-in DMS simulator started with generated credentials',
  );
  return {
    config: demoConfig(simulator.endpoint, credentials, scenario.orders),
    close: () => simulator.close(),
  };
}

async function runSimulator(
  file: string,
  address: ListenAddress,
  logger: Logger,
): Promise<number | 'serving'> {
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) {
    process.stderr.write(`${loaded.error}\n`);
    return 1;
  }
  const simulator = await startSimulator({
    scenario: loaded.scenario,
    host: address.host ?? '0.0.0.0',
    port: address.port,
    logger,
  });
  logger.info(
    { endpoint: simulator.endpoint, orders: loaded.scenario.orders.length },
    'DMS simulator listening',
  );
  shutdownOnSignals(logger, [() => simulator.close()]);
  return 'serving';
}

function listen(server: Server, address: ListenAddress): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      const bound = server.address();
      resolve(typeof bound === 'object' && bound !== null ? `${bound.address}:${bound.port}` : String(bound));
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Prometheus keeps connections alive; idle ones would hold close() open.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}

/** Node as PID 1 ignores SIGTERM unless handled: close everything, then exit 0. */
function shutdownOnSignals(logger: Logger, closers: ReadonlyArray<() => Promise<void>>): void {
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    void Promise.all(closers.map((close) => close())).then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main(process.argv.slice(2)).then(
  (outcome) => {
    if (outcome !== 'serving') process.exitCode = outcome;
  },
  (err: unknown) => {
    process.stderr.write(`fatal: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
