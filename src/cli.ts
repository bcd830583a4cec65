import { parseArgs } from 'node:util';
import type { LevelWithSilent } from 'pino';
import { DEFAULT_LIMITS, type LoadLimits } from './config/load.js';
import { DEFAULT_LOADER_HEAP_MB } from './config/loader-heap.js';
import { LOG_LEVELS, type LogFormat } from './logging.js';
import type { ListenAddress } from './util/http-server.js';

export const DEFAULT_PORT = 10036;

export interface ExporterFlags {
  readonly configFile: string;
  readonly configCheck: boolean;
  /** Call DMS once per profile as the exporter will, print what works and what to fix, exit 0 or 1. */
  readonly dmsCheck: boolean;
  readonly limits: LoadLimits;
  readonly listen: ListenAddress;
  readonly logLevel: LevelWithSilent;
  readonly logFormat: LogFormat;
  readonly demo: boolean;
  /** exporter-toolkit web config (TLS, basic auth, headers); undefined: plain HTTP, no auth. */
  readonly webConfigFile: string | undefined;
  readonly enableLifecycle: boolean;
}

/** `simulate`: the DMS simulator package serving a scenario file. */
export interface SimulateFlags {
  readonly listen: ListenAddress;
  readonly scenarioFile: string;
  readonly logLevel: LevelWithSilent;
  readonly logFormat: LogFormat;
}

export type Command =
  | { readonly kind: 'exporter'; readonly flags: ExporterFlags }
  | ({ readonly kind: 'simulate' } & SimulateFlags)
  | { readonly kind: 'help' }
  | { readonly kind: 'simulate_help' }
  | { readonly kind: 'version' }
  /** `usage` says which usage text goes with the message: the exporter's, or simulate's. */
  | { readonly kind: 'usage_error'; readonly message: string; readonly usage: 'exporter' | 'simulate' };

export const USAGE = `Usage: dms-datatrack-exporter [flags]
       dms-datatrack-exporter simulate --scenario=FILE [--listen=HOST:PORT] [--log.level=L] [--log.format=F]

Prometheus exporter for Alibaba Cloud DMS data-tracking tickets (GetDataTrackJobDegree).

Flags:
  --config.file=PATH           configuration file (default: config.yaml)
  --config.check               validate the configuration (and the --web.config.file, if given),
                               print OK or the errors, exit 0 or 1
  --dms.check                  call DMS once per profile as the exporter will (read-only calls), print
                               what works and the fix for what does not, exit 0 or 1; with --demo,
                               against the built-in simulator
  --config.max-bytes=N         refuse a configuration file larger than N bytes (default: ${DEFAULT_LIMITS.maxBytes})
  --config.max-orders=N        refuse a configuration with more than N orders (default: ${DEFAULT_LIMITS.maxOrders})
  --config.max-heap-mb=N       heap for loading the configuration file, in MiB (default: the container's
                               memory limit less the exporter's heap limit and 64 MiB, at most
                               ${DEFAULT_LOADER_HEAP_MB}; ${DEFAULT_LOADER_HEAP_MB} outside a container)
  --web.listen-address=ADDR    HOST:PORT or :PORT to serve /metrics on
                               (default: :${DEFAULT_PORT}; with --demo, 127.0.0.1:${DEFAULT_PORT})
  --web.config.file=PATH       web configuration in the Prometheus exporter-toolkit format:
                               TLS, basic auth, response headers (default: none, plain HTTP)
  --web.enable-lifecycle       allow POST /-/reload (SIGHUP always reloads)
  --log.level=LEVEL            debug, info, warn or error (default: info)
  --log.format=FORMAT          logfmt or json (default: logfmt)
  --demo                       run against a built-in DMS simulator with demo orders (no account needed)
  --version                    print the version and exit
  --help                       print this help and exit

simulate: serve a simulated DMS API (signature-checking) for tests and demos;
  dms-datatrack-exporter simulate --help lists its flags.
`;

export const SIMULATE_USAGE = `Usage: dms-datatrack-exporter simulate --scenario=FILE [--listen=HOST:PORT] [--log.level=L] [--log.format=F]

A simulated DMS API for tests and demos: Alibaba's API gateway in front of DMS, checking signatures,
answering from a scenario file. SIGHUP reads the file's credentials again.

Flags:
  --scenario=FILE              scenario file (the format: packages/dms-simulator/README.md)
  --listen=HOST:PORT           address to listen on (default: 127.0.0.1:0, a free port)
  --log.level=LEVEL            debug, info, warn or error (default: info)
  --log.format=FORMAT          logfmt or json (default: logfmt)
  --help                       print this help and exit
`;

const EXPORTER_OPTIONS = {
  'config.file': { type: 'string', default: 'config.yaml' },
  'config.check': { type: 'boolean', default: false },
  'dms.check': { type: 'boolean', default: false },
  'config.max-bytes': { type: 'string', default: String(DEFAULT_LIMITS.maxBytes) },
  'config.max-orders': { type: 'string', default: String(DEFAULT_LIMITS.maxOrders) },
  // No default here: left out, it follows the container's memory at each load.
  'config.max-heap-mb': { type: 'string' },
  // No default here: the demo's default (loopback only) differs from the exporter's.
  'web.listen-address': { type: 'string' },
  'web.config.file': { type: 'string' },
  'web.enable-lifecycle': { type: 'boolean', default: false },
  'log.level': { type: 'string', default: 'info' },
  'log.format': { type: 'string', default: 'logfmt' },
  demo: { type: 'boolean', default: false },
  version: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const SIMULATE_OPTIONS = {
  scenario: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  listen: { type: 'string', default: '127.0.0.1:0' },
  'log.level': { type: 'string', default: 'info' },
  'log.format': { type: 'string', default: 'logfmt' },
} as const;

/** Pure: argv (without node and script) to what to do. Every mistake is a usage_error with a reason. */
export function parseCommandLine(argv: readonly string[]): Command {
  const usage = argv[0] === 'simulate' ? 'simulate' : 'exporter';
  try {
    return usage === 'simulate' ? parseSimulate(argv.slice(1)) : parseExporter(argv);
  } catch (err) {
    // parseArgs throws TypeErrors with a readable message for unknown flags and missing values.
    return { kind: 'usage_error', message: err instanceof Error ? err.message : String(err), usage };
  }
}

function parseExporter(argv: readonly string[]): Command {
  const { values } = parseArgs({
    args: [...argv],
    options: EXPORTER_OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (values['config.check'] && values['dms.check'])
    return exporterUsageError(
      '--config.check and --dms.check do not go together: --dms.check validates the configuration too',
    );
  const listen = values['web.listen-address'] ?? `${values.demo ? '127.0.0.1' : ''}:${DEFAULT_PORT}`;
  const common = parseCommon(listen, values['log.level'], values['log.format']);
  if (typeof common === 'string') return exporterUsageError(common);
  const maxBytes = positiveCount('--config.max-bytes', values['config.max-bytes']);
  const maxOrders = positiveCount('--config.max-orders', values['config.max-orders']);
  if (typeof maxBytes === 'string') return exporterUsageError(maxBytes);
  if (typeof maxOrders === 'string') return exporterUsageError(maxOrders);
  const heapText = values['config.max-heap-mb'];
  const maxHeapMb = heapText === undefined ? undefined : positiveCount('--config.max-heap-mb', heapText);
  if (typeof maxHeapMb === 'string') return exporterUsageError(maxHeapMb);
  return {
    kind: 'exporter',
    flags: {
      ...common,
      configFile: values['config.file'],
      configCheck: values['config.check'],
      dmsCheck: values['dms.check'],
      limits: { maxBytes, maxOrders, ...(maxHeapMb === undefined ? {} : { maxHeapMb }) },
      demo: values.demo,
      // An empty value means none, as in the exporter-toolkit.
      webConfigFile: values['web.config.file'] === '' ? undefined : values['web.config.file'],
      enableLifecycle: values['web.enable-lifecycle'],
    },
  };
}

function parseSimulate(argv: readonly string[]): Command {
  const { values } = parseArgs({
    args: [...argv],
    options: SIMULATE_OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { kind: 'simulate_help' };
  if (values.scenario === undefined)
    return { kind: 'usage_error', message: 'simulate needs --scenario=FILE', usage: 'simulate' };
  const common = parseCommon(values.listen, values['log.level'], values['log.format']);
  if (typeof common === 'string') return { kind: 'usage_error', message: common, usage: 'simulate' };
  return { kind: 'simulate', scenarioFile: values.scenario, ...common };
}

function exporterUsageError(message: string): Command {
  return { kind: 'usage_error', message, usage: 'exporter' };
}

function positiveCount(flag: string, text: string): number | string {
  const value = /^[1-9]\d{0,14}$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(value) ? value : `invalid ${flag} "${text}": want a positive whole number`;
}

interface CommonFlags {
  readonly listen: ListenAddress;
  readonly logLevel: LevelWithSilent;
  readonly logFormat: LogFormat;
}

/** The flags both commands share; a string is the first problem found. */
function parseCommon(listenText: string, levelText: string, formatText: string): CommonFlags | string {
  const listen = parseListenAddress(listenText);
  if (typeof listen === 'string') return listen;
  const logLevel = LOG_LEVELS.find((l) => l === levelText);
  if (logLevel === undefined)
    return `invalid --log.level "${levelText}": want one of ${LOG_LEVELS.join(', ')}`;
  if (formatText !== 'json' && formatText !== 'logfmt') {
    return `invalid --log.format "${formatText}": want logfmt or json`;
  }
  return { listen, logLevel, logFormat: formatText };
}

/** `HOST:PORT`, `:PORT` or `[v6]:PORT`; returns an error message for anything else. */
export function parseListenAddress(text: string): ListenAddress | string {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) return `invalid listen address "${text}": want HOST:PORT or :PORT`;
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}
