// A config's YAML text to the typed Config, in whatever thread calls it: the load worker (load.ts)
// for the exporter, the demo and the tests directly. Everything here needs yaml and zod.
import { dirname, resolve } from 'node:path';
import {
  err,
  excludeUnder,
  formatProblems,
  ok,
  parseYamlSource,
  problemsFromZod,
  readBoundedText,
  readSmallFile,
  toPlainValue,
  type ParseBudget,
  type Problem,
  type Result,
} from 'yaml-files';
import { crossKeyProblems, type SecretFileReader } from './cross-checks.js';
import { expandEnv, type Env } from './env.js';
import { DEFAULT_LIMITS, type LoadLimits } from './limits.js';
import { configSchema, type Config } from './schema.js';
import type { SecretSource } from './secret.js';

export type ConfigResult = Result<Config, readonly string[]>;

/** Values in one document, aliases counted each time they are used; far above any real config. */
const MAX_VALUES = 1_000_000;
/**
 * YAML tokens (keys, values, indicators, spaces, comments, line breaks) allowed per order, and for
 * everything else. An order with all four keys, each on its own line with a comment, is about 30
 * tokens; profiles, scrape settings and comments of a large config are a few thousand. Parsing costs
 * 150-300 bytes of heap per token (the syntax tree and the Document): 10,000 orders in ordinary
 * layouts load within 64-96 MiB, while the costliest file these limits let through needs over 192
 * MiB, which the loader's heap cap refuses where memory is short (docs/deploy.md).
 */
const TOKENS_PER_ORDER = 40;
const TOKENS_BESIDE_ORDERS = 100_000;
/** Enough to fix a file in one go, short enough to read. */
const MAX_MESSAGES = 100;
const MAX_SECRET_FILE_BYTES = 64 * 1024;

/**
 * Every check of the file except typing: YAML text to the plain data a valid config is made of, or
 * every problem found, one `FILE:LINE: key.path: reason` per line in file order.
 */
export function checkConfigText(
  text: string,
  fileName: string,
  env: Env,
  readSecretFile: SecretFileReader,
  limits: LoadLimits = DEFAULT_LIMITS,
): Result<unknown, readonly string[]> {
  const parsed = parseYamlSource(text, fileName, parseBudget(limits.maxOrders));
  if (!parsed.ok) return parsed;
  const plain = toPlainValue(parsed.value, { expand: (t) => expandEnv(t, env), maxValues: MAX_VALUES });
  const tooMany = orderCountProblem(plain.value, limits.maxOrders);
  const problems: Problem[] = [...plain.problems];
  if (!plain.complete) {
    // Nothing more to check in a document that could not be read whole.
  } else if (tooMany !== undefined) {
    problems.push(tooMany);
  } else {
    const schema = configSchema.safeParse(plain.value);
    const found = [
      ...(schema.success ? [] : problemsFromZod(schema.error.issues)),
      ...crossKeyProblems(plain.value, readSecretFile),
    ];
    problems.push(...excludeUnder(found, plain.reported));
  }
  if (problems.length === 0) return ok(plain.value);
  const messages = formatProblems(parsed.value, problems);
  if (messages.length <= MAX_MESSAGES) return err(messages);
  return err([
    ...messages.slice(0, MAX_MESSAGES),
    `${fileName}: … and ${messages.length - MAX_MESSAGES} more problems`,
  ]);
}

/**
 * The orders and tokens of the text are counted before it is parsed, so a file over a limit is
 * refused before its syntax tree is built (for the 4 MiB of 287,000 orders that tree was 400 MiB).
 */
function parseBudget(maxOrders: number): ParseBudget {
  const maxTokens = maxOrders * TOKENS_PER_ORDER + TOKENS_BESIDE_ORDERS;
  return {
    maxTokens,
    tooManyTokens: `more than ${maxTokens} YAML tokens (keys, values, punctuation, comments, line breaks), more than a config of ${maxOrders} orders needs (raise it with --config.max-orders)`,
    list: { key: 'orders', maxItems: maxOrders, tooMany: (count) => tooManyOrders(count, maxOrders) },
  };
}

function tooManyOrders(count: number, maxOrders: number): string {
  return `has ${count} orders, more than the limit of ${maxOrders} (raise it with --config.max-orders)`;
}

// The budget counts a list written under `orders:`; one that arrives by an alias (its items counted
// in the token budget where they are written) is counted here, before the schema, so a huge list
// costs one message, not one per order.
function orderCountProblem(root: unknown, maxOrders: number): Problem | undefined {
  const orders =
    typeof root === 'object' && root !== null ? (root as { orders?: unknown }).orders : undefined;
  if (!Array.isArray(orders) || orders.length <= maxOrders) return undefined;
  return { path: ['orders'], message: tooManyOrders(orders.length, maxOrders) };
}

/** Checked plain data to the typed Config; secret file paths are resolved against `baseDir`. */
export function typedConfig(plain: unknown, baseDir: string): Config {
  const config = configSchema.parse(plain);
  const profiles = new Map(
    [...config.profiles].map(([name, written]) => {
      const { passwordFile } = written.proxy;
      const proxy = { ...written.proxy, passwordFile: passwordFile && resolve(baseDir, passwordFile) };
      const profile = { ...written, proxy };
      const { credentials } = profile;
      if (credentials.kind !== 'access_key') return [name, profile];
      const resolved = {
        ...credentials,
        accessKeySecret: resolveFile(credentials.accessKeySecret, baseDir),
        securityToken: credentials.securityToken && resolveFile(credentials.securityToken, baseDir),
      };
      return [name, { ...profile, credentials: resolved }];
    }),
  );
  return { ...config, profiles };
}

function resolveFile(source: SecretSource, baseDir: string): SecretSource {
  return source.kind === 'file' ? { kind: 'file', path: resolve(baseDir, source.path) } : source;
}

/** The whole pipeline in this thread, for a config given as text (tests, the demo). */
export function configFromText(
  text: string,
  fileName: string,
  env: Env,
  options: { readonly baseDir?: string; readonly limits?: LoadLimits } = {},
): ConfigResult {
  const baseDir = options.baseDir ?? process.cwd();
  const checked = checkConfigText(text, fileName, env, secretFileReader(baseDir), options.limits);
  return checked.ok ? ok(typedConfig(checked.value, baseDir)) : checked;
}

/** Reads the file named in a `*_file` key (at most 64 KiB), relative to `baseDir`. */
function secretFileReader(baseDir: string): SecretFileReader {
  return (path) => {
    const bytes = readSmallFile(resolve(baseDir, path), MAX_SECRET_FILE_BYTES);
    return bytes.ok ? ok(bytes.value.toString('utf8')) : bytes;
  };
}

/** Reads and checks a config file here, in whatever thread calls it. */
export async function checkConfigFile(
  path: string,
  env: Env,
  limits: LoadLimits,
): Promise<Result<unknown, readonly string[]>> {
  const text = await readBoundedText(path, limits.maxBytes, 'config file');
  if (!text.ok) return err([text.error]);
  return checkConfigText(text.value, path, env, secretFileReader(dirname(path)), limits);
}

/** Reads, checks and types a config file here; the load worker runs this (load-worker.ts). */
export async function readConfigFile(path: string, env: Env, limits: LoadLimits): Promise<ConfigResult> {
  const checked = await checkConfigFile(path, env, limits);
  return checked.ok ? ok(typedConfig(checked.value, dirname(path))) : checked;
}
