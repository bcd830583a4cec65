import { Writable } from 'node:stream';
import { startSimulator, type RunningSimulator, type Scenario } from 'dms-simulator';
import { configFromText } from '../../src/config/parse.js';
import { createExporter } from '../../src/exporter.js';
import { createLogger } from '../../src/logging.js';
import type { RuntimeStore } from '../../src/runtime.js';
import type { Clock } from '../../src/util/clock.js';
import type { ListenAddress } from '../../src/util/http-server.js';
import type { WebConfig } from '../../src/web/load.js';
import type { Env } from '../../src/config/env.js';
import { TEST_KEY } from './scenario.js';

export { TEST_KEY, scenarioFromYaml, scenarioYaml } from './scenario.js';

/** An exporter built by createExporter (as main.ts builds it), serving in this process. */
export interface InProcessExporter {
  /** `http://HOST:PORT`, or `https://` with a web config that turns TLS on. */
  readonly url: string;
  readonly store: RuntimeStore;
  /** Every log line the exporter wrote, as JSON objects. */
  readonly logs: Array<Record<string, unknown>>;
  readonly rawLogs: string[];
  /** Replaces the config file's text; the next `store.reload()` reads it. */
  setConfigText(text: string): void;
  scrape(headers?: Record<string, string>): Promise<{ status: number; contentType: string; text: string }>;
  close(): Promise<void>;
}

export interface Stack extends InProcessExporter {
  readonly simulator: RunningSimulator;
}

export interface InProcessOptions {
  readonly configText: string;
  /** What the config text's ${NAME}s expand to. */
  readonly env?: Env;
  /** Where the DMS clients read HTTPS_PROXY, HTTP_PROXY and NO_PROXY (main.ts passes process.env). */
  readonly proxyEnv?: Env;
  /** Relative `*_file` paths in the config resolve here; the working directory unless given. */
  readonly baseDir?: string;
  readonly clock?: Clock;
  /** Allow POST /-/reload, as --web.enable-lifecycle does. */
  readonly enableLifecycle?: boolean;
  /** 127.0.0.1 on an ephemeral port unless given (a restart comes back on the address it had). */
  readonly address?: ListenAddress;
  /** TLS, basic auth and headers, as --web.config.file gives them. */
  readonly web?: WebConfig;
}

/** An exporter built by createExporter (as main.ts builds it) on loopback, logging JSON at debug. */
export async function startExporter(options: InProcessOptions): Promise<InProcessExporter> {
  let configText = options.configText;
  const env = options.env ?? {};
  const source = { baseDir: options.baseDir ?? process.cwd() };
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
    source: () => Promise.resolve(configFromText(configText, 'config.yaml', env, source)),
    logger: createLogger('debug', 'json', sink),
    build: { version: 'test', revision: 'test' },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.proxyEnv ? { env: options.proxyEnv } : {}),
    enableLifecycle: options.enableLifecycle ?? false,
  });
  if (!exporter.ok) throw new Error(exporter.error.join('\n'));
  const server = await exporter.value
    .listen(options.address ?? { host: '127.0.0.1', port: 0 }, options.web)
    .catch((error: unknown) => {
      exporter.value.stop();
      throw error;
    });
  const url = `${options.web?.secureContext ? 'https' : 'http'}://${server.address}`;
  return {
    url,
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
    },
  };
}

/**
 * A simulator and an exporter built by createExporter (as main.ts builds it), both on loopback ports.
 * The config text may use ${SIM}, ${AK_ID} and ${AK_SECRET}.
 */
export async function startStack(
  options: Omit<InProcessOptions, 'env'> & {
    scenario: Scenario;
    /** Added to ${SIM}, ${AK_ID} and ${AK_SECRET} for the config text. */
    env?: Record<string, string>;
    elapsedMs?: () => number;
    /** The simulator's wall clock (timestamps, throttling, callsPerSecond); Date.now unless given. */
    simulatorNow?: () => number;
  },
): Promise<Stack> {
  const { scenario, elapsedMs, simulatorNow, env: extraEnv, ...exporterOptions } = options;
  const simulator = await startSimulator({
    scenario,
    ...(elapsedMs ? { elapsedMs } : {}),
    ...(simulatorNow ? { now: simulatorNow } : {}),
  });
  const env = {
    SIM: simulator.endpoint,
    AK_ID: TEST_KEY.accessKeyId,
    AK_SECRET: TEST_KEY.accessKeySecret,
    ...extraEnv,
  };
  const exporter = await startExporter({ ...exporterOptions, env }).catch(async (error: unknown) => {
    await simulator.close();
    throw error;
  });
  return {
    ...exporter,
    simulator,
    async close() {
      await exporter.close();
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
