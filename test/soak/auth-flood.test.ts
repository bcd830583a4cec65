// npm run soak -- --auth-flood for a few seconds: that it runs and reports, and that the valid
// user's requests never waited behind the flood's password checks. Its figures belong to the full
// run (docs/http.md), not to `npm test`.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthFloodRun } from '../../soak/auth-flood.js';
import { parseSoakArgs } from '../../soak/options.js';
import { toolArgv } from '../support/compiled-tools.js';
import { EXPORTER_BIN, runNode, type Finished } from '../support/process.js';

describe('npm run soak -- --auth-flood, for 1.5 seconds', () => {
  let dir: string;
  let run: Finished;
  let results: AuthFloodRun;

  beforeAll(async () => {
    if (!existsSync(EXPORTER_BIN)) throw new Error(`${EXPORTER_BIN} is missing: npm run build first`);
    dir = await mkdtemp(join(tmpdir(), 'auth-flood-test-'));
    const out = join(dir, 'auth-flood.json');
    // Cost 13: one check takes most of a second, far longer than any answer that did not wait for one.
    // The exporter spends half a core on checks for as long as the flood lasts: probing four times a
    // second, 1.5 s of flood give each probe 6 answers during it, more than the 4 s at 1/s did.
    const args = [
      '--auth-flood',
      '--duration=1500ms',
      '--probe-every=250ms',
      '--flooders=40',
      '--cost=13',
      `--out=${out}`,
    ];
    run = await runNode([...toolArgv('soak/soak.ts'), ...args]);
    // 0: goals met, 3: not; figures taken on a busy test machine are not judged here.
    if (run.code !== 0 && run.code !== 3) throw new Error(`soak exited with ${run.code}:\n${run.stderr}`);
    results = JSON.parse(await readFile(out, 'utf8')) as AuthFloodRun;
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers every request of the valid user, scrapes and health checks alike, with 200', () => {
    expect(results.scrapes.length).toBeGreaterThanOrEqual(3);
    expect(results.healthy.length).toBeGreaterThanOrEqual(3);
    expect([...results.scrapes, ...results.healthy].map((answer) => answer.outcome)).toEqual(
      Array(results.scrapes.length + results.healthy.length).fill('200'),
    );
  });

  it('floods hard enough to fill the password queue: wrong passwords get 401 or, beyond it, 429', () => {
    expect(Object.keys(results.flood).filter((outcome) => outcome !== '401' && outcome !== '429')).toEqual(
      [],
    );
    expect(results.flood['429']).toBeGreaterThan(0);
  });

  it('never makes the valid user wait behind a password check: each answer took less than one check', () => {
    const slowest = Math.max(...[...results.scrapes, ...results.healthy].map((answer) => answer.ms));
    expect(slowest).toBeLessThan(results.loginMs);
  });

  it('prints the latencies and the flood', () => {
    expect(run.stdout).toContain('| /metrics, 4/s, kept-alive: during the flood |');
    expect(run.stdout).toContain('| /-/healthy, 4/s, new connection each: during |');
    expect(run.stdout).toMatch(/^Flood: \d+ answers \(\d+\/s\): /m);
    expect(run.stdout).toMatch(/^Goals \(.*\): (met|NOT met)$/m);
  });
});

describe('--auth-flood and --login-timing options', () => {
  it('default to the probe: 150 clients for 60 s at cost 10, probed once a second; 3 users of cost 8, 10 and 12', () => {
    expect(parseSoakArgs(['--auth-flood'])).toEqual({
      kind: 'auth-flood',
      options: { durationMs: 60_000, flooders: 150, cost: 10, probeEveryMs: 1000, out: undefined },
    });
    expect(parseSoakArgs(['--login-timing'])).toEqual({
      kind: 'login-timing',
      options: { rounds: 10, costs: [8, 10, 12], out: undefined },
    });
  });

  it('names the flag of a bad value', () => {
    expect(parseSoakArgs(['--auth-flood', '--cost=3'])).toEqual({
      kind: 'error',
      message: '--cost: 3 is not a whole number in 4..16',
    });
    expect(parseSoakArgs(['--auth-flood', '--login-timing'])).toEqual({
      kind: 'error',
      message: '--auth-flood and --login-timing: choose one',
    });
  });
});
