#!/usr/bin/env node
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import { USAGE, parseCommandLine, type ExporterFlags } from './cli.js';
import { loadConfigFile } from './config/load.js';
import { startDemo } from './demo.js';
import { createExporter } from './exporter.js';
import { createLogger } from './logging.js';
import { loadScenarioFile } from './simulator/scenario-file.js';
import { startSimulator, type RunningSimulator } from './simulator/server.js';
import type { ListenAddress, ListeningServer } from './util/http-server.js';
import { describeWebConfig, readWebConfigFile, type WebConfigResult } from './web/load.js';

// The only impure entry point: flags, files, signals, listening. Everything else is built by
// createExporter (exporter.ts), which the tests use too.

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
      return command.flags.configCheck ? checkConfig(command.flags) : runExporter(command.flags);
  }
}

async function checkConfig(flags: ExporterFlags): Promise<number> {
  const loaded = await loadConfigFile(flags.configFile, process.env, flags.limits);
  const web = flags.webConfigFile === undefined ? undefined : readWebConfigFile(flags.webConfigFile);
  const errors = [...(loaded.ok ? [] : loaded.error), ...(web?.ok === false ? web.error : [])];
  if (errors.length > 0) {
    process.stderr.write(`${errors.join('\n')}\n`);
    return 1;
  }
  if (loaded.ok) {
    const { orders, profiles } = loaded.value;
    process.stdout.write(`${flags.configFile}: OK (${orders.length} orders, ${profiles.size} profiles)\n`);
  }
  if (web?.ok === true) process.stdout.write(`${web.value.file}: OK (${describeWebConfig(web.value)})\n`);
  return 0;
}

async function runExporter(flags: ExporterFlags): Promise<number | 'serving'> {
  // Checked first: a server that was asked for TLS or auth must not start without them.
  const web: WebConfigResult | undefined =
    flags.webConfigFile === undefined ? undefined : readWebConfigFile(flags.webConfigFile);
  if (web?.ok === false) {
    process.stderr.write(`${web.error.join('\n')}\n`);
    return 1;
  }
  const logger = createLogger(flags.logLevel, flags.logFormat);
  const demo = flags.demo ? await startDemo(logger) : undefined;
  const exporter = await createExporter({
    source: demo?.source ?? (() => loadConfigFile(flags.configFile, process.env, flags.limits)),
    logger,
    build: { version: VERSION, revision: REVISION },
    enableLifecycle: flags.enableLifecycle,
  });
  if (!exporter.ok) {
    process.stderr.write(`${exporter.error.join('\n')}\n`);
    await demo?.close();
    return 1;
  }
  let server: ListeningServer;
  try {
    server = await exporter.value.listen(flags.listen, web?.value);
  } catch (error) {
    // The port is taken (or not ours to bind): end what is already running, or Node would go on.
    exporter.value.stop();
    await demo?.close();
    process.stderr.write(`cannot serve metrics: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const { orders } = exporter.value.store.current().config;
  logger.info(
    {
      address: server.address,
      orders: orders.length,
      version: VERSION,
      demo: flags.demo,
      web: web === undefined ? 'plain HTTP' : describeWebConfig(web.value),
      lifecycle: flags.enableLifecycle,
    },
    'serving metrics at /metrics',
  );
  process.on('SIGHUP', () => void exporter.value.store.reload());
  const stopDiscovery = (): Promise<void> => Promise.resolve(exporter.value.stop());
  shutdownOnSignals(logger, [stopDiscovery, () => server.close(), ...(demo ? [() => demo.close()] : [])]);
  return 'serving';
}

async function runSimulator(
  file: string,
  address: ListenAddress,
  logger: Logger,
): Promise<number | 'serving'> {
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) {
    process.stderr.write(`${loaded.error.join('\n')}\n`);
    return 1;
  }
  const simulator = await startSimulator({
    scenario: loaded.value,
    host: address.host ?? '0.0.0.0',
    port: address.port,
    logger,
  });
  logger.info(
    { endpoint: simulator.endpoint, orders: loaded.value.orders.length },
    'DMS simulator listening',
  );
  process.on('SIGHUP', () => void reloadSimulatorCredentials(file, simulator, logger));
  shutdownOnSignals(logger, [() => simulator.close()]);
  return 'serving';
}

/** A rotated key or STS token without a restart: the scenario file's `credentials` apply from now on. */
async function reloadSimulatorCredentials(
  file: string,
  simulator: RunningSimulator,
  logger: Logger,
): Promise<void> {
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) {
    logger.error({ errors: loaded.error }, 'scenario reload failed; keeping the credentials');
    return;
  }
  simulator.setCredentials(loaded.value.credentials);
  logger.info({ keys: loaded.value.credentials.length }, 'simulator credentials reloaded');
}

/** Node as PID 1 ignores SIGTERM unless handled: close everything in order, then exit 0. */
function shutdownOnSignals(logger: Logger, closers: ReadonlyArray<() => Promise<void>>): void {
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    void closers.reduce((done, close) => done.then(close), Promise.resolve()).then(() => process.exit(0));
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
