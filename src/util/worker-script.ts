/** What `new Worker()` takes to run a module of ours: its script, and whether that script is code (eval). */
export interface WorkerScript {
  readonly script: URL | string;
  readonly eval: boolean;
}

/**
 * The worker module `name` (without extension) beside the module at `moduleUrl`: the compiled `.js`
 * file, or, when running from TypeScript sources (the tests do), a small bootstrap that registers
 * tsx's loader in the worker first, since Node 20 does not pass loaders on to workers.
 */
export function workerScript(moduleUrl: string, name: string): WorkerScript {
  if (!moduleUrl.endsWith('.ts')) return { script: new URL(`./${name}.js`, moduleUrl), eval: false };
  const entry = JSON.stringify(new URL(`./${name}.ts`, moduleUrl).href);
  return {
    script: `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`,
    eval: true,
  };
}
