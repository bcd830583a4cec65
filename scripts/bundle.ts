/**
 * The second half of `npm run build` (after `tsc -b` has built the workspace packages): bundles the
 * exporter, its workspace packages and its npm dependencies into dist/, one file per entry point
 * (the CLI and the two worker threads) plus shared chunks that are read only when a command needs
 * them (the simulator for --demo and `simulate`, the DMS check, the default credential chain).
 *
 * Why bundle: a Node process that loads several hundred small CommonJS and ES modules spends most of
 * its start-up finding, reading and wrapping them, not running them. Measured side by side on a
 * 2-core machine, a start to `serving metrics` took 0.74x the CPU and `--config.check` 0.67x
 * (docs/performance.md#start-up). Every reload starts a config worker, which loads its part again.
 *
 * The layout is flat on purpose: a worker is found as `./NAME.js` beside the chunk that starts it
 * (src/util/worker-script.ts), and `../package.json` beside dist/main.js gives the version.
 */
import { rmSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { build, type Plugin } from 'esbuild';

const ENTRY_POINTS = ['src/main.ts', 'src/config/load-worker.ts', 'src/web/bcrypt-worker.ts'];

// CommonJS dependencies bundled into ES modules call require() for Node's built-ins; esbuild leaves
// those calls to a `require` in scope, which an ES module does not have.
const REQUIRE_IN_SCOPE =
  "import { createRequire as __bundleCreateRequire } from 'node:module';\n" +
  'const require = __bundleCreateRequire(import.meta.url);';

// zod's namespace re-exports all its locales, about 360 KiB of the 730 KiB of zod in the bundle,
// which the config worker would compile at every start and every reload. Nothing here calls
// z.locales (English, the default, is imported by zod's schemas themselves), so the index that
// gathers them is an empty module. The tests that read the built CLI's messages would see a change.
const ZOD_WITHOUT_LOCALES: Plugin = {
  name: 'zod-without-locales',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}node_modules${sep}zod${sep}`)
        ? { path: 'zod-locales', namespace: 'zod-without-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-without-locales' }, () => ({ contents: 'export {};' }));
  },
};

const root = '.';
const outdir = resolve(root, 'dist');
// Files of an earlier layout (tsc wrote one .js per source file) must not linger beside the bundle.
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: resolve(root),
  entryPoints: ENTRY_POINTS,
  outdir,
  entryNames: '[name]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The workspace packages from their TypeScript sources, as the type-check and the tests see them.
  conditions: ['source'],
  banner: { js: REQUIRE_IN_SCOPE },
  plugins: [ZOD_WITHOUT_LOCALES],
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
});
