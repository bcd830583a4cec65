// The soak runs end to end for a few seconds and reports what it saw. Its figures (and so its
// verdict) belong to `npm run soak`, not to `npm test`: here only that it works and counts right.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variantOf } from '../../soak/chaos.js';
import { parseSoakArgs } from '../../soak/options.js';
import { checkpoints, verdict } from '../../soak/report.js';
import type { Sample } from '../../soak/sample.js';
import { toolArgv } from '../support/compiled-tools.js';
import { EXPORTER_BIN, runNode, type Finished } from '../support/process.js';

interface SoakJson {
  counts: {
    scrapes: number;
    failed_scrapes: number;
    failures: Record<string, number>;
    reloads_sent: number;
    invalid_reloads_sent: number;
    reloads_applied: number;
    reloads_refused: number;
    rotations_sent: number;
    rotations_applied: number;
  };
  checkpoints: Array<{ name: string; samples: number; rssBytes: number; heapUsedBytes: number }>;
  verdict: { flat: boolean; lines: string[] };
  samples: Sample[];
}

function runSoak(args: readonly string[]): Promise<Finished> {
  return runNode([...toolArgv('soak/soak.ts'), ...args]);
}

describe('npm run soak, for 3 seconds', () => {
  let dir: string;
  let run: Finished;
  let results: SoakJson;

  beforeAll(async () => {
    if (!existsSync(EXPORTER_BIN)) throw new Error(`${EXPORTER_BIN} is missing: npm run build first`);
    dir = await mkdtemp(join(tmpdir(), 'soak-test-'));
    const out = join(dir, 'soak.json');
    // The scrapers keep the exporter busy throughout, so its CPU grows with the duration. What is
    // checked needs two reloads (the second is invalid) and two rotations. A reload is sent only once
    // the previous one is logged, which takes a second or more on a busy machine: ticks every 400 ms
    // send the second as soon as the first is done. Three runs at once on two cores still sent 3
    // reloads and 3 rotations each in 3 s (2.5 s left some at the bare minimum of 2).
    run = await runSoak([
      '--duration=3s',
      '--scrapers=2',
      '--reload-every=400ms',
      '--rotate-every=1s',
      `--out=${out}`,
    ]);
    // 0: flat, 3: not flat. A few seconds are all warm-up, so either verdict is possible here.
    if (run.code !== 0 && run.code !== 3) throw new Error(`soak exited with ${run.code}:\n${run.stderr}`);
    results = JSON.parse(await readFile(out, 'utf8')) as SoakJson;
  }, 90_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('scrapes throughout, every scrape answered 200', () => {
    expect(results.counts.scrapes).toBeGreaterThan(0);
    expect(results.counts.failed_scrapes).toBe(0);
    expect(results.counts.failures).toEqual({});
    expect(results.samples.length).toBeGreaterThan(0);
    const seen = results.samples.map((s) => s.scrapes);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(results.samples.every((s) => s.orders > 0 && s.rssBytes > 0 && s.heapUsedBytes > 0)).toBe(true);
  });

  it('reloads the exporter and rotates the secrets, and both processes react', () => {
    const c = results.counts;
    expect(c.reloads_sent).toBeGreaterThanOrEqual(2);
    expect(c.invalid_reloads_sent).toBeGreaterThanOrEqual(1);
    // One reload at a time, and the soak waits for the last one's outcome: each was logged.
    expect(c.reloads_applied + c.reloads_refused).toBe(c.reloads_sent);
    expect(c.reloads_refused).toBeGreaterThanOrEqual(1);
    expect(c.reloads_refused).toBeLessThanOrEqual(c.invalid_reloads_sent);
    expect(c.reloads_applied).toBeGreaterThanOrEqual(1);
    expect(c.rotations_sent).toBeGreaterThanOrEqual(2);
    expect(c.rotations_applied).toBeGreaterThanOrEqual(1);
  });

  it('prints the table of three checkpoints and a verdict', () => {
    expect(results.checkpoints.map((p) => p.name)).toEqual(['start', 'middle', 'end']);
    expect(run.stdout).toContain('| point | at | scrapes so far |');
    expect(run.stdout).toMatch(/^Verdict: (flat|NOT flat)$/m);
    expect(results.verdict.flat).toBe(run.code === 0);
  });
});

describe('soak options and report', () => {
  it('names the flag of a bad value', () => {
    expect(parseSoakArgs(['--scrapers=0'])).toEqual({
      kind: 'error',
      message: '--scrapers: 0 is not a whole number in 1..64',
    });
    expect(parseSoakArgs(['--duration=soon'])).toMatchObject({ kind: 'error' });
  });

  it('makes the second of every four reloads invalid', () => {
    expect([1, 2, 3, 4, 5, 6].map(variantOf)).toEqual([
      'shifted',
      'broken',
      'shifted',
      'all',
      'shifted',
      'broken',
    ]);
  });

  it('calls a heap that grows past the tolerance not flat, and does not judge one without a full GC', () => {
    const MIB = 2 ** 20;
    const sample = (atMs: number, heapMib: number, majorGcs: number): Sample => ({
      atMs,
      rssBytes: 100 * MIB,
      heapUsedBytes: heapMib * MIB,
      openFds: 20,
      eventLoopLagP99Seconds: 0.01,
      dmsCalls: 0,
      majorGcs,
      ordersUp: 1,
      orders: 1,
      scrapes: atMs,
    });
    const growing = [sample(0, 20, 0), sample(300, 20, 1), sample(600, 26, 2), sample(900, 30, 3)];
    expect(verdict(checkpoints(growing, 1000), 10, 0)).toMatchObject({ flat: false });
    const steady = [sample(0, 20, 0), sample(300, 20, 1), sample(600, 21, 2), sample(900, 22, 3)];
    expect(verdict(checkpoints(steady, 1000), 10, 0)).toMatchObject({ flat: true });
    const noGc = [sample(0, 20, 0), sample(300, 20, 0), sample(600, 26, 0), sample(900, 30, 0)];
    const unjudged = verdict(checkpoints(noGc, 1000), 10, 0);
    expect(unjudged.flat).toBe(true);
    expect(unjudged.lines[1]).toMatch(/^n\/a {2}heap used: .*: not judged, no full collection in a window$/);
    expect(verdict(checkpoints(steady, 1000), 10, 1)).toMatchObject({ flat: false });
  });
});
