// Compiles the bench and soak tools, with the sources they import, once per vitest run (see
// compiled-tools.ts for why). One JavaScript file per TypeScript file, in the same tree, so relative
// imports, `import.meta.url` and worker scripts find their neighbours as they do in the sources;
// esbuild (which tsx runs on) only strips the types: `npm test` type-checks before vitest runs.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/** What the tools import from the repository; packages come from node_modules, as in the sources. */
const TREES = ['src', 'bench', 'soak', 'test/support'];

/**
 * Under node_modules/, so that the compiled files' imports of packages resolve as the sources' do;
 * a folder per run, so that two runs in one checkout do not write over each other.
 */
const CACHE = 'node_modules/.cache';

function typeScriptFiles(tree: string): string[] {
  return readdirSync(tree, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Compiles the tools under the repository root `root` into a new folder; returns it and its removal. */
export async function compileTools(root: string): Promise<{ dir: string; remove: () => void }> {
  mkdirSync(resolve(root, CACHE), { recursive: true });
  const dir = mkdtempSync(resolve(root, CACHE, 'dms-exporter-tools-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await build({
      absWorkingDir: resolve(root),
      entryPoints: TREES.flatMap((tree) => typeScriptFiles(resolve(root, tree))),
      outbase: resolve(root),
      outdir: dir,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
    });
    // Node looks for a package's module type no further up than node_modules/: say it here.
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    return { dir, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
