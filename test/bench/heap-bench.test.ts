// npm run bench:heap runs end to end on a tiny case. Its verdict on 5 orders says nothing about
// 10,000; what is checked is that it scrapes, samples the heap after each scrape and judges.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toolArgv } from '../support/compiled-tools.js';
import { EXPORTER_BIN, runNode, type Finished } from '../support/process.js';

function runHeapBench(args: readonly string[]): Promise<Finished> {
  return runNode([...toolArgv('bench/heap.bench.ts', ['--expose-gc']), ...args]);
}

describe('npm run bench:heap on 5 orders', () => {
  it('reports the heap after each tenth scrape and a verdict that matches its exit code', async () => {
    if (!existsSync(EXPORTER_BIN)) throw new Error(`${EXPORTER_BIN} is missing: npm run build first`);
    const run = await runHeapBench(['--orders=5', '--scrapes=10', '--warmup=2']);
    expect(run.stdout).toMatch(/^5 running orders, 10 scrapes/m);
    expect(run.stdout).toMatch(/^ {2}scrape {3}10: \d+\.\d MiB$/m);
    const verdict = /^verdict: (flat|GROWING)$/m.exec(run.stdout)?.[1];
    expect(verdict, run.stderr).toBeDefined();
    expect(run.code).toBe(verdict === 'flat' ? 0 : 1);
  }, 60_000);

  it('refuses a warm-up as long as the run, with its usage', async () => {
    const run = await runHeapBench(['--scrapes=3', '--warmup=3']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm run bench:heap');
  }, 30_000);
});
