import { defineConfig } from 'vitest/config';

// Tests import the workspace packages (packages/*) from their TypeScript sources through the `source`
// condition of their exports, as tsconfig.json's customConditions does, so nothing is built first.
// Vitest resolves in Vite's server environment: the rest are Vite's defaults there. The built CLI
// the tests spawn (dist/main.js) imports the packages' compiled dist/ like any user.
const SERVER_CONDITIONS = ['source', 'module', 'node', 'development|production'];

export default defineConfig({
  ssr: { resolve: { conditions: SERVER_CONDITIONS } },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start servers on loopback; 2 cores are all CI has.
    maxWorkers: 2,
  },
});
