import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp, createHttpServer } from '../../src/app.js';
import { createCollector } from '../../src/collector/collector.js';
import { parseConfig } from '../../src/config/index.js';
import type { Profile } from '../../src/config/types.js';
import { createAlibabaDmsClient } from '../../src/dms/alibaba-client.js';
import { createLogger } from '../../src/logging.js';
import { createSelfMetrics } from '../../src/metrics/self-metrics.js';
import { buildRuntime, createRuntimeStore, type RuntimeStore } from '../../src/runtime.js';
import {
  startSimulator,
  type RunningSimulator,
  type Scenario,
  parseScenario,
} from '../../src/simulator/index.js';

export const TEST_KEY = { accessKeyId: 'LTAItestKeyId0001', accessKeySecret: 'test-secret-Zq9pX2vK7' };

export interface Stack {
  readonly url: string;
  readonly simulator: RunningSimulator;
  readonly store: RuntimeStore;
  /** Every log line the exporter wrote, as JSON objects. */
  readonly logs: Array<Record<string, unknown>>;
  readonly rawLogs: string[];
  /** Replaces the config file's text; the next `store.reload()` reads it. */
  setConfigText(text: string): void;
  scrape(headers?: Record<string, string>): Promise<{ status: number; contentType: string; text: string }>;
  close(): Promise<void>;
}

export function scenarioFromYaml(text: string): Scenario {
  const parsed = parseScenario(text, 'scenario.yaml');
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.scenario;
}

/** A simulator and an exporter wired as in production, both on loopback ports. */
export async function startStack(options: {
  scenario: Scenario;
  configText: string;
  elapsedMs?: () => number;
  env?: Record<string, string>;
  now?: () => number;
}): Promise<Stack> {
  const simulator = await startSimulator({
    scenario: options.scenario,
    ...(options.elapsedMs ? { elapsedMs: options.elapsedMs } : {}),
  });
  const env = {
    SIM: simulator.endpoint,
    AK_ID: TEST_KEY.accessKeyId,
    AK_SECRET: TEST_KEY.accessKeySecret,
    ...options.env,
  };
  let configText = options.configText;
  const rawLogs: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const line = chunk.toString('utf8');
      rawLogs.push(line);
      logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger('debug', 'json', sink);
  const self = createSelfMetrics({ version: 'test', revision: 'test' });
  const makeClient = (profile: Profile) => createAlibabaDmsClient(profile, { userAgent: 'test' });
  const load = () =>
    Promise.resolve(parseConfig(configText, 'config.yaml', env, () => new Error('no files')));
  const initial = await load();
  if (!initial.ok) throw new Error(initial.errors.join('\n'));
  self.configLoaded(true, 0);
  const store = createRuntimeStore(
    buildRuntime(initial.config, makeClient),
    load,
    makeClient,
    (ok) => self.configLoaded(ok, 0),
    logger,
  );
  const collector = createCollector({
    recorder: self.recorder,
    logger,
    ...(options.now ? { now: options.now } : {}),
  });
  const app = createApp({
    store,
    collector,
    selfMetrics: self,
    logger,
    version: 'test',
    ...(options.now ? { now: options.now } : {}),
  });
  const server = createHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    simulator,
    store,
    logs,
    rawLogs,
    setConfigText(text) {
      configText = text;
    },
    async scrape(headers = {}) {
      const response = await fetch(`${url}/metrics`, { headers });
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        text: await response.text(),
      };
    },
    async close() {
      await closeServer(server);
      await simulator.close();
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The value of one series in Prometheus text output, or undefined when absent. */
export function sampleValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Only the lines of the given metric families (for focused assertions and golden files). */
export function familyLines(text: string, prefixes: readonly string[]): string {
  return text
    .split('\n')
    .filter((line) => {
      const name = line.startsWith('# ') ? (line.split(' ')[2] ?? '') : line.split(/[{ ]/)[0];
      return prefixes.some((p) => name === p);
    })
    .join('\n');
}
