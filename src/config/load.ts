import { Worker } from 'node:worker_threads';
import { err, ok, type Result } from 'yaml-files/basics';
import type { Env } from './env.js';
import { DEFAULT_LIMITS, type LoadLimits } from './limits.js';
import { currentLoaderHeap, LOADER_YOUNG_GENERATION_MB, type LoaderHeap } from './loader-heap.js';
import type { ConfigResult } from './parse.js';
import type { Config } from './schema.js';
import { unpackSecrets } from './transfer.js';
import { workerScript } from '../util/worker-script.js';

// The exporter's config loads: a file is read, checked and typed in a worker thread (parse.ts), and
// only the typed configuration comes back. The main thread imports this module, never parse.ts
// (but for its types).

const HEAP_HINTS: Readonly<Record<LoaderHeap['from'], string>> = {
  flag: 'raise it with --config.max-heap-mb',
  container: "the container's memory limit less the exporter's heap; raise the limit or --config.max-heap-mb",
  default: 'raise it with --config.max-heap-mb',
  'max-old-space-size': '--max-old-space-size, which V8 applies to every thread',
};

/**
 * Loads a config file in a worker thread: parsing a large file takes seconds of CPU and tens of MiB,
 * and must neither stop the exporter from answering nor, when it runs out of memory, kill it. The
 * worker's heap is capped (loader-heap.ts) so that the exporter and a load together fit the container.
 */
export function loadConfigFile(
  path: string,
  env: Env,
  limits: LoadLimits = DEFAULT_LIMITS,
): Promise<ConfigResult> {
  const heap = currentLoaderHeap(limits.maxHeapMb);
  const { script, options } = workerScript(import.meta.url, 'load-worker');
  const worker = new Worker(script, {
    ...options,
    workerData: { path, env, limits },
    resourceLimits: { maxOldGenerationSizeMb: heap.mb, maxYoungGenerationSizeMb: LOADER_YOUNG_GENERATION_MB },
    stdout: true,
    stderr: true,
  });
  return new Promise((resolvePromise) => {
    let loaded: Result<unknown, readonly string[]> | undefined;
    let failure: string | undefined;
    worker.once('message', (result: Result<unknown, readonly string[]>) => {
      loaded = result;
      void worker.terminate();
    });
    worker.once('error', (error: Error & { code?: string }) => {
      failure =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `too large or too deeply aliased to load within ${heap.mb} MiB of heap (${HEAP_HINTS[heap.from]})`
          : `cannot load: ${error.message}`;
    });
    // Answered once the worker has stopped, so its heap is given back before this thread rebuilds
    // the configuration's Secrets.
    worker.once('exit', (code) => {
      if (loaded === undefined) {
        resolvePromise(err([`${path}: ${failure ?? `the config loader stopped (exit code ${code})`}`]));
      } else {
        // Built by the worker's schema (parse.ts readConfigFile): a Config but for its Secrets.
        resolvePromise(loaded.ok ? ok(unpackSecrets(loaded.value) as Config) : loaded);
      }
    });
  });
}
