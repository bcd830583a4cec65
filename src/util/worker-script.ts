import { pathToFileURL } from 'node:url';
import type { WorkerOptions } from 'node:worker_threads';

/** What `new Worker()` takes to run a module of ours: its script, and the options that go with it. */
export interface WorkerScript {
  readonly script: URL | string;
  readonly options: Pick<WorkerOptions, 'eval' | 'execArgv'>;
}

/**
 * Set (by the test suite's global setup) to the built dist/ folder when it is as new as the sources:
 * a worker started from the TypeScript sources then runs its built twin, which starts about three
 * times cheaper than one that loads tsx and compiles its imports again.
 */
export const COMPILED_SOURCES_ENV = 'DMS_EXPORTER_COMPILED_SOURCES';

/**
 * The worker module `name` (without extension) that the module at `moduleUrl` starts: beside it when
 * it is built JavaScript (the build puts every worker entry and the chunks that start them together
 * in dist/, scripts/bundle.ts), or, when running from TypeScript sources (the tests do), its built
 * twin in dist/ (see COMPILED_SOURCES_ENV) or else a small bootstrap that registers tsx's loader in
 * the worker first, since Node 20 does not pass loaders on to workers.
 */
export function workerScript(moduleUrl: string, name: string): WorkerScript {
  if (!moduleUrl.endsWith('.ts')) return { script: new URL(`./${name}.js`, moduleUrl), options: {} };
  const compiled = process.env[COMPILED_SOURCES_ENV];
  if (compiled !== undefined && compiled !== '') {
    // The twin is self-contained; it runs without the `source` condition the tests run under, as
    // dist/main.js does.
    return {
      script: new URL(`${name}.js`, pathToFileURL(`${compiled}/`)),
      options: { execArgv: withoutSourceCondition(process.execArgv) },
    };
  }
  const entry = JSON.stringify(new URL(`./${name}.ts`, moduleUrl).href);
  return {
    script: `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`,
    options: { eval: true },
  };
}

function withoutSourceCondition(argv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--conditions' && argv[i + 1] === 'source') i++;
    else if (argv[i] !== '--conditions=source' && argv[i] !== '-C=source') kept.push(argv[i] ?? '');
  }
  return kept;
}
