import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
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
  type Problem,
  type Result,
} from 'yaml-files';
import { crossKeyProblems, type SecretFileReader } from './cross-checks.js';
import { expandEnv, type Env } from './env.js';
import { configSchema, type Config } from './schema.js';
import type { SecretSource } from './secret.js';

export interface LoadLimits {
  /** A larger file is refused before it is parsed. */
  readonly maxBytes: number;
  /** More orders than this are refused (raise it with --config.max-orders). */
  readonly maxOrders: number;
}

export const DEFAULT_LIMITS: LoadLimits = { maxBytes: 4 * 1024 * 1024, maxOrders: 10_000 };

/** Values in one document, aliases counted each time they are used; far above any real config. */
const MAX_VALUES = 1_000_000;
/** Enough to fix a file in one go, short enough to read. */
const MAX_MESSAGES = 100;
const MAX_SECRET_FILE_BYTES = 64 * 1024;

export type ConfigResult = Result<Config, readonly string[]>;

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
  const parsed = parseYamlSource(text, fileName);
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

// Checked before the schema so a huge list costs one message, not one per order.
function orderCountProblem(root: unknown, maxOrders: number): Problem | undefined {
  const orders =
    typeof root === 'object' && root !== null ? (root as { orders?: unknown }).orders : undefined;
  if (!Array.isArray(orders) || orders.length <= maxOrders) return undefined;
  const message = `has ${orders.length} orders, more than the limit of ${maxOrders} (raise it with --config.max-orders)`;
  return { path: ['orders'], message };
}

/** Checked plain data to the typed Config; secret file paths are resolved against `baseDir`. */
export function typedConfig(plain: unknown, baseDir: string): Config {
  const config = configSchema.parse(plain);
  const profiles = new Map(
    [...config.profiles].map(([name, profile]) => {
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

/** Reads and checks a config file here, in whatever thread calls it (the load worker does). */
export async function checkConfigFile(
  path: string,
  env: Env,
  limits: LoadLimits,
): Promise<Result<unknown, readonly string[]>> {
  const text = await readBoundedText(path, limits.maxBytes, 'config file');
  if (!text.ok) return err([text.error]);
  return checkConfigText(text.value, path, env, secretFileReader(dirname(path)), limits);
}

/**
 * The worker's script. From TypeScript sources (the tests run them directly), a small bootstrap
 * registers tsx's loader in the worker first: Node 20 does not pass loaders on to workers.
 */
function workerEntry(): URL | string {
  if (!import.meta.url.endsWith('.ts')) return new URL('./load-worker.js', import.meta.url);
  const entry = JSON.stringify(new URL('./load-worker.ts', import.meta.url).href);
  return `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`;
}

/** Heap for one load: a file at the 4 MiB cap needs about 400 MiB while the YAML is parsed. */
const WORKER_HEAP_MB = 1024;

/**
 * Loads a config file in a worker thread: parsing a large file takes seconds of CPU and hundreds of
 * MiB, and must neither stop the exporter from answering nor, when it runs out of memory, kill it.
 */
export function loadConfigFile(
  path: string,
  env: Env,
  limits: LoadLimits = DEFAULT_LIMITS,
): Promise<ConfigResult> {
  const worker = new Worker(workerEntry(), {
    eval: import.meta.url.endsWith('.ts'),
    workerData: { path, env, limits },
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    stdout: true,
    stderr: true,
  });
  return new Promise((resolvePromise) => {
    let settled = false;
    const settle = (result: ConfigResult): void => {
      if (settled) return;
      settled = true;
      resolvePromise(result);
      void worker.terminate();
    };
    worker.once('message', (checked: Result<unknown, readonly string[]>) => {
      settle(checked.ok ? ok(typedConfig(checked.value, dirname(path))) : checked);
    });
    worker.once('error', (error: Error & { code?: string }) => {
      const reason =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `too large or too deeply aliased to load within ${WORKER_HEAP_MB} MiB`
          : `cannot load: ${error.message}`;
      settle(err([`${path}: ${reason}`]));
    });
    worker.once('exit', (code) => settle(err([`${path}: the config loader stopped (exit code ${code})`])));
  });
}
