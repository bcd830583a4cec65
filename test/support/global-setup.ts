/**
 * Vitest's global setup. When dist/ was built after the last change to the sources it bundles (`npm
 * test` builds first), worker threads started by the code under test run their built twins from
 * dist/ (src/util/worker-script.ts); otherwise (a changed source, no build) they compile from the
 * sources.
 * The bench and soak tools the tests run are compiled once for the run (compile-tools.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COMPILED_SOURCES_ENV } from '../../src/util/worker-script.js';
import { compileTools } from './compile-tools.js';
import { COMPILED_TOOLS_ENV } from './compiled-tools.js';

/** The newest modification time of the files under `dir` whose names end with `suffix`, or 0. */
function newest(dir: string, suffix: string): number {
  let found = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(suffix))
      found = Math.max(found, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return found;
}

/** Whether every .js under `built` is newer than every .ts under `sources` (false if nothing is built). */
function builtAfter(sources: string, built: string): boolean {
  try {
    return newest(built, '.js') > newest(sources, '.ts');
  } catch {
    return false; // no build yet
  }
}

export default async function setup(): Promise<() => void> {
  const tools = await compileTools('.');
  process.env[COMPILED_TOOLS_ENV] = tools.dir;
  const fresh = ['src', 'packages/yaml-files/src', 'packages/dms-simulator/src'].every((sources) =>
    builtAfter(sources, 'dist'),
  );
  if (fresh) process.env[COMPILED_SOURCES_ENV] = resolve('dist');
  return tools.remove;
}
