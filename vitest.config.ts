import { configDefaults, defineConfig } from 'vitest/config';

// Tests import the workspace packages (packages/*) from their TypeScript sources through the `source`
// condition of their exports, as tsconfig.json's customConditions does, so nothing is built first.
// Vitest resolves in Vite's server environment: the rest are Vite's defaults there. The built CLI
// the tests spawn (dist/main.js) carries the packages in its bundle, built from the same sources.
const SERVER_CONDITIONS = ['source', 'module', 'node', 'development|production'];

// Test files that replace a module (vi.mock) need a module graph of their own.
const MOCKING = ['test/dms/credentials.test.ts'];

export default defineConfig({
  ssr: { resolve: { conditions: SERVER_CONDITIONS } },
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    // CommonJS packages as Node's ESM loader and the build's bundler hand them over (the default
    // import is module.exports), not unwrapped to their `exports.default` as vitest would by default.
    deps: { interopDefault: false },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI has 2 cores. A third worker fills the time files spend waiting on real time (Prometheus'
    // scrape and rule intervals, deadlines, TLS handshakes) rather than on CPU: on an idle 2-core
    // machine, 2 workers took 80 s, 3 took 65 s, and 4 took 69 s with a timing test failing.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...MOCKING],
          // The files of a worker share one module graph: each file evaluating zod, koa, prom-client,
          // the schema... again cost more than half of the suite's CPU. No test relies on a fresh
          // module state: registries, clocks and servers are made per test.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: MOCKING } },
    ],
  },
});
