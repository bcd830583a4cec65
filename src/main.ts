#!/usr/bin/env node
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import { SIMULATE_USAGE, USAGE, parseCommandLine, type ExporterFlags, type SimulateFlags } from './cli.js';
import type { Result } from 'yaml-files/basics';
import type { ListeningServer } from './util/http-server.js';
import type { WebConfig } from './web/load.js';

// The only impure entry point: flags, files, signals, listening. Everything else is built by
// createExporter (exporter.ts), which the tests use too. Each command imports what it runs when it
// runs: --version, --help or a usage error then answer in a fraction of the start-up that loading
// the exporter, the checks and the simulator costs (about 0.6 s of CPU on a 2-core machine).

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
      process.stderr.write(
        `error: ${command.message}\n\n${command.usage === 'simulate' ? SIMULATE_USAGE : USAGE}`,
      );
      return 2;
    case 'simulate_help':
      process.stdout.write(SIMULATE_USAGE);
      return 0;
    case 'simulate':
      return runSimulator(command);
    case 'exporter':
      if (command.flags.dmsCheck) return checkDmsAccess(command.flags);
      return command.flags.configCheck ? checkConfig(command.flags) : runExporter(command.flags);
  }
}

async function checkConfig(flags: ExporterFlags): Promise<number> {
  const { loadConfigFile } = await import('./config/load.js');
  const [loaded, web] = await Promise.all([
    loadConfigFile(flags.configFile, process.env, flags.limits),
    flags.webConfigFile === undefined ? undefined : readWebConfig(flags.webConfigFile),
  ]);
  const errors = [...(loaded.ok ? [] : loaded.error), ...(web?.ok === false ? web.error : [])];
  if (errors.length > 0) {
    process.stderr.write(`${errors.join('\n')}\n`);
    return 1;
  }
  if (loaded.ok) {
    const { orders, profiles } = loaded.value;
    process.stdout.write(`${flags.configFile}: OK (${orders.length} orders, ${profiles.size} profiles)\n`);
  }
  if (web?.ok === true) process.stdout.write(`${web.value.config.file}: OK (${web.value.description})\n`);
  return 0;
}

/**
 * The web config file, read and checked, with the line that describes it, or its errors. Its reader
 * (the schema and the TLS checks, and with them zod and yaml) is loaded only when there is a file.
 */
async function readWebConfig(
  file: string,
): Promise<Result<{ config: WebConfig; description: string }, readonly string[]>> {
  const { describeWebConfig, readWebConfigFile } = await import('./web/load.js');
  const read = readWebConfigFile(file);
  return read.ok
    ? { ok: true, value: { config: read.value, description: describeWebConfig(read.value) } }
    : read;
}

/** --dms.check: the configuration (the demo's with --demo) asks DMS what the exporter will ask. */
async function checkDmsAccess(flags: ExporterFlags): Promise<number> {
  const [{ loadConfigFile }, { createLogger }, { checkDms }, { renderReport }, { checkPassed }] =
    await Promise.all([
      import('./config/load.js'),
      import('./logging.js'),
      import('./check/check.js'),
      import('./check/render.js'),
      import('./check/report.js'),
    ]);
  const web = flags.webConfigFile === undefined ? undefined : await readWebConfig(flags.webConfigFile);
  if (web?.ok === false) {
    process.stderr.write(`${web.error.join('\n')}\n`);
    return 1;
  }
  const logger = createLogger(flags.logLevel, flags.logFormat);
  const demo = flags.demo ? await (await import('./demo.js')).startDemo(logger) : undefined;
  try {
    const loaded = await (
      demo?.source ?? (() => loadConfigFile(flags.configFile, process.env, flags.limits))
    )();
    if (!loaded.ok) {
      process.stderr.write(`${loaded.error.join('\n')}\n`);
      return 1;
    }
    const build = { version: VERSION, revision: REVISION };
    const report = await checkDms(loaded.value, { build, logger, env: process.env });
    process.stdout.write(renderReport(report));
    return checkPassed(report) ? 0 : 1;
  } finally {
    await demo?.close();
  }
}

async function runExporter(flags: ExporterFlags): Promise<number | 'serving'> {
  const [{ loadConfigFile }, { currentLoaderHeap }, { createExporter }, { createLogger }] = await Promise.all(
    [
      import('./config/load.js'),
      import('./config/loader-heap.js'),
      import('./exporter.js'),
      import('./logging.js'),
    ],
  );
  // Checked first: a server that was asked for TLS or auth must not start without them.
  const web = flags.webConfigFile === undefined ? undefined : await readWebConfig(flags.webConfigFile);
  if (web?.ok === false) {
    process.stderr.write(`${web.error.join('\n')}\n`);
    return 1;
  }
  const logger = createLogger(flags.logLevel, flags.logFormat);
  const demo = flags.demo ? await (await import('./demo.js')).startDemo(logger) : undefined;
  const exporter = await createExporter({
    source: demo?.source ?? (() => loadConfigFile(flags.configFile, process.env, flags.limits)),
    logger,
    build: { version: VERSION, revision: REVISION },
    env: process.env,
    enableLifecycle: flags.enableLifecycle,
  });
  if (!exporter.ok) {
    process.stderr.write(`${exporter.error.join('\n')}\n`);
    await demo?.close();
    return 1;
  }
  let server: ListeningServer;
  try {
    server = await exporter.value.listen(flags.listen, web?.value.config);
  } catch (error) {
    // The port is taken (or not ours to bind): end what is already running, or Node would go on.
    exporter.value.stop();
    await demo?.close();
    process.stderr.write(`cannot serve metrics: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const { orders } = exporter.value.store.current().config;
  const heap = currentLoaderHeap(flags.limits.maxHeapMb);
  if (heap.from === 'max-old-space-size' && flags.limits.maxHeapMb !== undefined) {
    logger.warn(
      { configHeapMb: heap.mb },
      '--config.max-heap-mb has no effect: --max-old-space-size sets the heap of every thread, the config loader too',
    );
  }
  logger.info(
    {
      address: server.address,
      orders: orders.length,
      version: VERSION,
      demo: flags.demo,
      web: web === undefined ? 'plain HTTP' : web.value.description,
      lifecycle: flags.enableLifecycle,
      // What a reload may use, and why (loader-heap.ts).
      configHeapMb: heap.mb,
      configHeapFrom: heap.from,
    },
    'serving metrics at /metrics',
  );
  process.on('SIGHUP', () => void exporter.value.store.reload());
  const stopDiscovery = (): Promise<void> => Promise.resolve(exporter.value.stop());
  shutdownOnSignals(logger, [stopDiscovery, () => server.close(), ...(demo ? [() => demo.close()] : [])]);
  return 'serving';
}

/** The DMS simulator package serving a scenario file; SIGHUP reads its credentials again. */
async function runSimulator(flags: SimulateFlags): Promise<number | 'serving'> {
  const [{ serveScenarioFile }, { createLogger }] = await Promise.all([
    import('dms-simulator'),
    import('./logging.js'),
  ]);
  const logger = createLogger(flags.logLevel, flags.logFormat);
  const { host = '0.0.0.0', port } = flags.listen;
  const served = await serveScenarioFile(flags.scenarioFile, { host, port, logger });
  if (!served.ok) {
    process.stderr.write(`${served.error.join('\n')}\n`);
    return 1;
  }
  process.on('SIGHUP', () => void served.value.reloadCredentials());
  shutdownOnSignals(logger, [() => served.value.simulator.close()]);
  return 'serving';
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
