import { Writable } from 'node:stream';
import { startSimulator, type RunningSimulator, type Scenario } from 'dms-simulator';
import { configFromText } from '../../src/config/load.js';
import { createExporter } from '../../src/exporter.js';
import { createLogger } from '../../src/logging.js';
import type { RuntimeStore } from '../../src/runtime.js';
import type { Clock } from '../../src/util/clock.js';
import { TEST_KEY } from './scenario.js';

export { TEST_KEY, scenarioFromYaml, scenarioYaml } from './scenario.js';

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

/**
 * A simulator and an exporter built by createExporter (as main.ts builds it), both on loopback ports.
 * The config text may use ${SIM}, ${AK_ID} and ${AK_SECRET}.
 */
export async function startStack(options: {
  scenario: Scenario;
  configText: string;
  elapsedMs?: () => number;
  env?: Record<string, string>;
  clock?: Clock;
  /** The simulator's wall clock (timestamps, throttling, callsPerSecond); Date.now unless given. */
  simulatorNow?: () => number;
  /** Allow POST /-/reload, as --web.enable-lifecycle does. */
  enableLifecycle?: boolean;
}): Promise<Stack> {
  const simulator = await startSimulator({
    scenario: options.scenario,
    ...(options.elapsedMs ? { elapsedMs: options.elapsedMs } : {}),
    ...(options.simulatorNow ? { now: options.simulatorNow } : {}),
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
  const exporter = await createExporter({
    source: () => Promise.resolve(configFromText(configText, 'config.yaml', env)),
    logger: createLogger('debug', 'json', sink),
    build: { version: 'test', revision: 'test' },
    ...(options.clock ? { clock: options.clock } : {}),
    enableLifecycle: options.enableLifecycle ?? false,
  });
  if (!exporter.ok) {
    await simulator.close();
    throw new Error(exporter.error.join('\n'));
  }
  const server = await exporter.value.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://${server.address}`;
  return {
    url,
    simulator,
    store: exporter.value.store,
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
      exporter.value.stop();
      await server.close(0);
      await simulator.close();
    },
  };
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
