// The exporter as dist/main.js serves it (its own modules, compiled with the bench tools rather than
// bundled), except that its DMS calls go through the transport it had before undici
// (bench/node-http-transport.ts): the baseline the bench sets the exporter beside, in the same run.
// Flags: --config.file=PATH; listens on 127.0.0.1:0 and says so in the exporter's JSON ready line.
import { createAlibabaDmsClient } from '../../src/dms/alibaba-client.js';
import { loadConfigFile } from '../../src/config/load.js';
import { createExporter } from '../../src/exporter.js';
import { createLogger } from '../../src/logging.js';
import { createNodeHttpTransport } from '../node-http-transport.js';
import { requiredFlag } from './metrics-server.js';

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
