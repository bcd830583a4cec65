import { dirname, resolve } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import {
  decodeUtf8,
  err,
  excludeUnder,
  formatDuration,
  formatProblems,
  ok,
  parseYamlSource,
  problemsFromZod,
  readSmallFile,
  toPlainValue,
  type Problem,
  type Result,
  type YamlSource,
} from 'yaml-files';
import { servedCertificateDates, type CertificateDates } from './certificate.js';
import { UNSUPPORTED_KEYS, webConfigSchema, type WebSettings } from './schema.js';
import { readTlsMaterial, tlsRuleProblems } from './tls.js';

const MAX_BYTES = 64 * 1024;
/** A web config has a handful of values; aliases must not multiply them. */
const MAX_VALUES = 10_000;

export interface WebConfig {
  /** The web config file as named on the command line. */
  readonly file: string;
  readonly settings: WebSettings;
  /** Certificates and key for Node, or undefined for plain HTTP. A function, so logging this object shows no key. */
  readonly secureContext: (() => SecureContextOptions) | undefined;
  /** Absolute paths of the files it was read from; a change to any of them means reading it again. */
  readonly files: readonly string[];
  /** The certificate served (cert_file's first), with TLS. */
  readonly serverCertificate: ServerCertificate | undefined;
  /**
   * Reads the file again (the server's watcher does, when a file changed): the server takes its
   * reader from here rather than importing this module, which loads the schema (and zod).
   */
  readonly reread: () => WebConfigResult;
}

export interface ServerCertificate {
  /** cert_file, absolute. */
  readonly file: string;
  readonly dates: CertificateDates;
}

export type WebConfigResult = Result<WebConfig, readonly string[]>;

/** Reads and checks a web config file; errors are `FILE:LINE: key.path: reason` lines. */
export function readWebConfigFile(path: string): WebConfigResult {
  const bytes = readSmallFile(path, MAX_BYTES);
  if (!bytes.ok) return err([`${path}: cannot read web config file: ${bytes.error}`]);
  const text = decodeUtf8(bytes.value, path);
  return text.ok ? webConfigFromText(text.value, path, dirname(path)) : err([text.error]);
}

/**
 * The checks on text already read. `fileName` names the file in messages (and is the file watched
 * for changes); files it names are read relative to `baseDir`, as the toolkit does.
 */
export function webConfigFromText(text: string, fileName: string, baseDir: string): WebConfigResult {
  const parsed = parseYamlSource(text, fileName);
  if (!parsed.ok) return parsed;
  const source = parsed.value;
  const plain = toPlainValue(source, { maxValues: MAX_VALUES });
  if (plain.problems.length > 0) return err(formatProblems(source, plain.problems));
  const refused = UNSUPPORTED_KEYS.filter(({ path }) => hasKey(plain.value, path));
  const schema = webConfigSchema.safeParse(plain.value);
  if (!schema.success || refused.length > 0) {
    const found = schema.success ? [] : problemsFromZod(schema.error.issues);
    const paths = refused.map(({ path }) => path);
    const refusals = refused.map(({ path, message }) => ({ path, message, atKey: true }));
    return failed(source, [...refusals, ...excludeUnder(found, paths)]);
  }
  const settings = schema.data;
  if (settings.tls === undefined) return ok(webConfig(fileName, settings, undefined, [], undefined));
  const rules = tlsRuleProblems(settings.tls);
  if (rules.length > 0) return failed(source, rules);
  const material = readTlsMaterial(settings.tls, baseDir);
  if (!material.ok) return failed(source, material.error);
  const named = [settings.tls.certFile, settings.tls.keyFile, settings.tls.clientCaFile];
  const files = named.filter((file) => file !== undefined).map((file) => resolve(baseDir, file));
  const options = material.value;
  const dates = servedCertificateDates(options.cert);
  const certFile = settings.tls.certFile && resolve(baseDir, settings.tls.certFile);
  const served = dates && certFile ? { file: certFile, dates } : undefined;
  return ok(webConfig(fileName, settings, () => options, files, served));
}

function webConfig(
  file: string,
  settings: WebSettings,
  secureContext: WebConfig['secureContext'],
  named: readonly string[],
  serverCertificate: ServerCertificate | undefined,
): WebConfig {
  return {
    file,
    settings,
    secureContext,
    files: [resolve(file), ...named],
    serverCertificate,
    reread: () => readWebConfigFile(file),
  };
}

/** Whether the key at `path` is written, with or without a value. */
function hasKey(root: unknown, path: readonly string[]): boolean {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return false;
    node = Reflect.get(node, key);
  }
  return true;
}

function failed(source: YamlSource, problems: readonly Problem[]): WebConfigResult {
  return err(formatProblems(source, problems));
}

/** One line for `--config.check` and the start-up log: what the file turns on. */
export function describeWebConfig(web: WebConfig): string {
  const { tls, users, headers, rateLimit } = web.settings;
  const parts = [
    tls ? `TLS (client certificates: ${tls.clientAuth})` : 'plain HTTP',
    `${users.size} basic auth user${users.size === 1 ? '' : 's'}`,
    `${headers.length} extra header${headers.length === 1 ? '' : 's'}`,
    ...(rateLimit
      ? [`rate limit ${rateLimit.burst} at once, then 1 per ${formatDuration(rateLimit.intervalMs)}`]
      : []),
  ];
  return parts.join(', ');
}
