import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario } from '../../src/simulator/scenario-file.js';

const FIXTURES = 'test/fixtures/scenarios';
const badFiles = (await readdir(join(FIXTURES, 'bad'))).filter((f) => f.endsWith('.yaml')).sort();

describe('scenario files with mistakes', () => {
  it.each(badFiles)('%s gives exactly the messages in its .errors.txt', async (file) => {
    const text = await readFile(join(FIXTURES, 'bad', file), 'utf8');
    const expected = await readFile(join(FIXTURES, 'bad', file.replace(/\.yaml$/, '.errors.txt')), 'utf8');
    const result = parseScenario(text, 'scenario.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(`${result.error.join('\n')}\n`).toBe(expected);
  });

  it('says which file could not be read', async () => {
    expect(await loadScenarioFile('no/such/scenario.yaml')).toEqual({
      ok: false,
      error: ['no/such/scenario.yaml: cannot read scenario file: no such file'],
    });
  });

  it('names the file in every message', () => {
    expect(parseScenario('orders: 3', 'demo/s.yaml')).toEqual({
      ok: false,
      error: ['demo/s.yaml:1: credentials: is required', 'demo/s.yaml:1: orders: must be a list, got 3'],
    });
  });
});

describe('a scenario file using every key', () => {
  it('is read with defaults applied and durations in milliseconds', async () => {
    const result = await loadScenarioFile(join(FIXTURES, 'good', 'full.yaml'));
    if (!result.ok) throw new Error(result.error.join('\n'));
    const scenario = result.value;
    expect(scenario.credentials[1]).toEqual({
      accessKeyId: 'STS.simulatorKey',
      accessKeySecret: 'sts-secret',
      securityToken: 'sts-token',
    });
    expect(scenario.throttle).toEqual({ maxCallsPerSecond: 100 });
    expect(scenario.repeatEveryMs).toBe(600_000);
    expect(scenario.orders[0]).toEqual({
      id: 1001,
      tid: 3000,
      name: 'nightly-audit',
      startMs: 5_000,
      listMs: 20_000,
      downloadMs: 90_000,
      filterMs: 30_000,
      pauseMs: 500,
      outcome: 'success',
      stopAt: undefined,
      fault: undefined,
    });
    expect(scenario.orders[1]).toMatchObject({
      startMs: 0,
      listMs: 20_000,
      downloadMs: 60_000,
      filterMs: 30_000,
      pauseMs: 2_000,
      outcome: 'download_fail',
      stopAt: { stage: 'download', ratio: 0.4 },
    });
    expect(scenario.orders[2]?.fault).toEqual({ kind: 'slow', delayMs: 5_000 });
    expect(scenario.orders[3]?.fault).toEqual({
      kind: 'business_error',
      code: 'InvalidOrder',
      message: 'not yours',
    });
    expect(scenario.orders[4]?.fault).toEqual({ kind: 'throttle' });
  });

  it('reads the golden scenario the exporter tests use', async () => {
    const result = await loadScenarioFile('test/fixtures/golden/scenario.yaml');
    expect(result.ok).toBe(true);
  });
});
