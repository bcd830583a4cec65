// The bench runs end to end on a tiny case and writes results of the documented shape. No timing is
// asserted here: timings belong to `npm run bench`, not to `npm test`.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaselineHistory } from '../../bench/estimate.js';
import { BASELINES, parseBenchArgs } from '../../bench/options.js';
import { TABLE_END, TABLE_START, replaceBetweenMarkers } from '../../bench/output.js';
import { programArgv } from '../../bench/processes.js';
import type { BenchResults, MeasuredVariant } from '../../bench/results.js';
import { toolArgv } from '../support/compiled-tools.js';
import { EXPORTER_BIN, runNode, type Finished } from '../support/process.js';

const ORDERS = 5;
const PERFORMANCE_DOC = 'docs/performance.md';

function runBench(args: readonly string[]): Promise<Finished> {
  return runNode([...toolArgv('bench/scrape.bench.ts'), ...args]);
}

describe('npm run bench on 5 orders', () => {
  let dir: string;
  let results: BenchResults;
  let run: Finished;
  let docBefore: string;

  beforeAll(async () => {
    if (!existsSync(EXPORTER_BIN)) throw new Error(`${EXPORTER_BIN} is missing: npm run build first`);
    dir = await mkdtemp(join(tmpdir(), 'bench-test-'));
    docBefore = await readFile(PERFORMANCE_DOC, 'utf8');
    const out = join(dir, 'results.json');
    run = await runBench([`--n=${ORDERS}`, '--rounds=1', '--latency=10ms', '--no-docs', `--out=${out}`]);
    if (run.code !== 0) throw new Error(`bench exited with ${run.code}:\n${run.stderr}`);
    results = JSON.parse(await readFile(out, 'utf8')) as BenchResults;
  }, 120_000); // a process more per case since the exporter runs beside its former transport

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const measured = (mode: string, variant: string): MeasuredVariant => {
    const found = results.cases.find((c) => c.mode === mode)?.variants.find((v) => v.variant === variant);
    if (found?.status !== 'measured') throw new Error(`no measured ${variant} in the ${mode} case`);
    return found;
  };

  it('describes the machine, the date and the settings', () => {
    expect(results.machine).toMatchObject({ node: process.version });
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.cpu_model).not.toBe('');
    expect(new Date(results.date).toISOString()).toBe(results.date);
    expect(results.settings).toMatchObject({ orders: [ORDERS], rounds: 1, latency_ms: 10, concurrency: 50 });
  });

  it('runs a cold and a warm case with every variant, the floor server in the warm one', () => {
    expect(results.cases.map((c) => [c.mode, c.orders, c.latency_ms])).toEqual([
      ['cold', ORDERS, 10],
      ['warm', ORDERS, 0],
    ]);
    expect(results.cases.map((c) => c.variants.map((v) => `${v.variant}:${v.status}`))).toEqual([
      ['exporter:measured', 'node-http:measured', 'sequential:measured', 'naive-prom-client:measured'],
      [
        'exporter:measured',
        'node-http:measured',
        'sequential:measured',
        'naive-prom-client:measured',
        'static-body:measured',
      ],
    ]);
    expect(results.cases[0]?.floor_ms).toBe(10); // 10 ms x ceil(5 / 50)
    expect(results.cases[1]?.floor_ms).toBeGreaterThan(0);
  });

  it('counts the DMS calls each design makes per scrape', () => {
    expect(measured('cold', 'exporter').dms_calls).toBe(ORDERS);
    expect(measured('cold', 'node-http').dms_calls).toBe(ORDERS); // the same exporter, the former transport
    expect(measured('cold', 'sequential').dms_calls).toBe(ORDERS);
    expect(measured('cold', 'naive-prom-client').dms_calls).toBe(3 * ORDERS);
    expect(measured('warm', 'exporter').dms_calls).toBe(0); // finished jobs come from memory
    expect(measured('warm', 'sequential').dms_calls).toBe(ORDERS);
    expect(measured('warm', 'static-body').dms_calls).toBeNull();
  });

  it('gives every measured variant its figures', () => {
    let checked = 0;
    for (const c of results.cases) {
      for (const v of c.variants) {
        if (v.status !== 'measured') continue;
        checked += 1;
        expect(v.scrape_ms_samples).toHaveLength(1);
        expect(v.scrape_ms).toBeGreaterThan(0);
        expect(v.floor_ratio).toBeGreaterThan(0);
        expect(v.orders_down).toBe(0);
        expect(v.body_gzip_bytes).toBeGreaterThan(0);
        expect(v.body_gzip_bytes).toBeLessThan(v.body_bytes);
        expect(v.rss_mib).toBeGreaterThan(0);
        expect(v.cpu_us_per_order).toBeGreaterThanOrEqual(0);
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('lists every target, none measured on 5 orders, and leaves docs/performance.md alone', async () => {
    expect(results.targets.map((t) => t.id)).toEqual([
      'warm_scrape_10k',
      'render_cpu_per_order',
      'cold_1k_floor_ratio',
      'cold_1k_cpu_per_call',
      'cold_10k_floor_ratio',
      'rss_10k',
    ]);
    expect(results.targets.every((t) => t.measured === null && t.met === null)).toBe(true);
    expect(run.stdout).toContain('| case ');
    expect(run.stdout).toContain('undici over node:http (the exporter with each transport, same rounds):');
    expect(await readFile(PERFORMANCE_DOC, 'utf8')).toBe(docBefore);
  });
});

describe('bench options and helpers', () => {
  it('lets explicit flags win over --quick, which never writes docs/performance.md', () => {
    const parsed = parseBenchArgs(['--quick', '--rounds=3']);
    expect(parsed).toMatchObject({
      kind: 'run',
      options: { orderCounts: [100, 1000], rounds: 3, tableFile: undefined, quick: true },
    });
  });

  // The run above is compiled (test/support/compile-tools.ts); npm run bench starts its children
  // through tsx, as the harness itself runs.
  it('runs the comparison servers from their TypeScript files when it runs from TypeScript', () => {
    for (const name of [...BASELINES, 'static-body', 'node-http-exporter']) {
      const path = `bench/baselines/${name}.ts`;
      expect(programArgv(path)).toEqual(['--import', 'tsx', path]);
      expect(existsSync(path), path).toBe(true);
    }
  });

  it('names the flag of a bad value', () => {
    expect(parseBenchArgs(['--n=10,x'])).toEqual({
      kind: 'error',
      message: '--n: x is not a whole number in 1..9007199254740991',
    });
    expect(parseBenchArgs(['--modes=hot'])).toEqual({
      kind: 'error',
      message: '--modes: unknown "hot" (one of cold, warm)',
    });
  });

  it('estimates a baseline from the largest smaller case measured', () => {
    const history = new BaselineHistory();
    expect(history.predict('sequential', 'cold', 100, 50).ms).toBe(5050);
    history.record('sequential', 'cold', 100, 5200);
    expect(history.predict('sequential', 'cold', 1000, 50)).toEqual({
      ms: 52_000,
      basis: 'scaled linearly from 100 orders (5200 ms measured)',
    });
  });

  it('writes docs/performance.md by default, and its markers are there', async () => {
    expect(parseBenchArgs([])).toMatchObject({ kind: 'run', options: { tableFile: PERFORMANCE_DOC } });
    const doc = await readFile(PERFORMANCE_DOC, 'utf8');
    expect(replaceBetweenMarkers(doc, 'new', PERFORMANCE_DOC)).toContain(
      `${TABLE_START}\n\nnew\n\n${TABLE_END}`,
    );
  });

  it('rewrites only what lies between the markers', () => {
    const text = `before\n${TABLE_START}\nold\n${TABLE_END}\nafter\n`;
    expect(replaceBetweenMarkers(text, 'new', 'x.md')).toBe(
      `before\n${TABLE_START}\n\nnew\n\n${TABLE_END}\nafter\n`,
    );
    expect(() => replaceBetweenMarkers('no markers', 'new', 'x.md')).toThrow(
      `x.md has no ${TABLE_START} ... ${TABLE_END} section to rewrite`,
    );
  });
});
