// The exporter exactly as dist/main.js serves it (the same built modules), except that its DMS calls
// go through the transport it had before undici (bench/node-http-transport.ts): the baseline the
// bench sets the exporter beside, in the same run. Flags: --config.file=PATH; listens on 127.0.0.1:0
// and says so in the exporter's JSON ready line.
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as AlibabaClient from '../../src/dms/alibaba-client.js';
import type * as ConfigLoad from '../../src/config/load.js';
import type * as Exporter from '../../src/exporter.js';
import type * as Logging from '../../src/logging.js';
import { EXPORTER_BIN } from '../../test/support/process.js';
import { createNodeHttpTransport } from '../node-http-transport.js';
import { requiredFlag } from './metrics-server.js';

/**
 * A module of the built exporter, typed by its source: found beside the dist/main.js the harness
 * runs, not beside this file, which may run from a compiled copy of bench/ elsewhere.
 */
async function built<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(resolve(dirname(EXPORTER_BIN), path)).href)) as T;
}

const { createExporter } = await built<typeof Exporter>('exporter.js');
const { loadConfigFile } = await built<typeof ConfigLoad>('config/load.js');
const { createLogger } = await built<typeof Logging>('logging.js');
const { createAlibabaDmsClient } = await built<typeof AlibabaClient>('dms/alibaba-client.js');

const configFile = requiredFlag('config.file');
const logger = createLogger('info', 'json');
const userAgent = 'dms-datatrack-exporter/bench';
const exporter = await createExporter({
  source: () => loadConfigFile(configFile, process.env),
  logger,
  build: { version: 'bench', revision: 'node-http' },
  makeClient: (profile, connections) =>
    createAlibabaDmsClient(profile, {
      userAgent,
      logger,
      connections,
      makeTransport: createNodeHttpTransport,
    }),
});
if (!exporter.ok) throw new Error(exporter.error.join('\n'));
const server = await exporter.value.listen({ host: '127.0.0.1', port: 0 });
logger.info({ address: server.address }, 'serving metrics at /metrics');
