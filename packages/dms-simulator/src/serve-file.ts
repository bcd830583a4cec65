import { ok, type Result } from 'yaml-files';
import { loadScenarioFile } from './scenario-file.js';
import { startSimulator, type RunningSimulator, type SimulatorLogger } from './server.js';

// `dms-datatrack-exporter simulate`: one scenario file served on an address. Its credentials can be
// read again while the timeline keeps running, so a soak or a demo can rotate a key or an STS token.

export interface ServedScenarioFile {
  readonly simulator: RunningSimulator;
  /** Reads the file again and accepts its credentials from now on; a bad file keeps the old ones. */
  reloadCredentials(): Promise<void>;
}

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly logger: SimulatorLogger;
}

/** Loads `file` and serves it, logging where; a file that cannot be used is every message about it. */
export async function serveScenarioFile(
  file: string,
  options: ServeOptions,
): Promise<Result<ServedScenarioFile, readonly string[]>> {
  const { logger } = options;
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) return loaded;
  const simulator = await startSimulator({ scenario: loaded.value, ...options });
  logger.info(
    { endpoint: simulator.endpoint, orders: loaded.value.orders.length },
    'DMS simulator listening',
  );
  return ok({
    simulator,
    async reloadCredentials() {
      const reloaded = await loadScenarioFile(file);
      if (!reloaded.ok) {
        logger.error({ errors: reloaded.error }, 'scenario reload failed; keeping the credentials');
        return;
      }
      simulator.setCredentials(reloaded.value.credentials);
      logger.info({ keys: reloaded.value.credentials.length }, 'simulator credentials reloaded');
    },
  });
}
