import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario } from '../src/scenario-file.js';
import { RESULT_SCOPES } from '../src/scenario.js';

const FIXTURES = fileURLToPath(new URL('fixtures', import.meta.url));
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

  it('refuses an alias bomb with that one message, not a second one about the type', () => {
    // Nine levels of ten aliases each: 10^9 values once expanded, far over the 1,000,000 budget.
    const levels = Array.from(
      { length: 9 },
      (_, i) => `  l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`,
    );
    const text = `x:\n  l0: &l0 [a, b, c, d, e, f, g, h, i, j]\n${levels.join('\n')}\n`;
    expect(parseScenario(text, 'bomb.yaml')).toEqual({
      ok: false,
      error: [
        'bomb.yaml:1: the document has more than 1000000 values (aliases counted each time they are used)',
      ],
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
});

describe('a scenario file with tickets', () => {
  it('is read with absolute times in its zone, tenants from the jobs and defaults filled in', async () => {
    const result = await loadScenarioFile(join(FIXTURES, 'good', 'discovery.yaml'));
    if (!result.ok) throw new Error(result.error.join('\n'));
    const scenario = result.value;
    expect(scenario.timeZone).toBe('Asia/Shanghai');
    expect(scenario.startEpochMs).toBeUndefined();
    expect(scenario.listOrders).toEqual({
      maxPageSize: 50,
      fault: { kind: 'unavailable', fromMs: 120_000, untilMs: 150_000 },
    });
    expect(scenario.notStartedError).toEqual({
      code: 'UnknownError',
      message: 'The ticket has not been approved yet.',
    });
    const tickets = scenario.tickets ?? [];
    expect(tickets.map((t) => [t.id, t.pluginType, t.tid])).toEqual([
      [2001, 'DATA_TRACK', 3000],
      [2002, 'DATA_TRACK', 3000],
      [2003, 'DATA_TRACK', 3000],
      [2004, 'DATA_TRACK', 3000],
      [2005, 'DATA_TRACK', undefined],
      [3001, 'DATA_CORRECT', undefined],
      [3002, 'DATA_EXPORT', undefined],
      [3003, 'PERM_APPLY', undefined],
    ]);
    expect(tickets[6]).toEqual({
      id: 3002,
      pluginType: 'DATA_EXPORT',
      tid: undefined,
      created: { epochMs: Date.UTC(2026, 0, 1, 2) },
      approved: undefined,
      end: { status: 'cancel', at: { epochMs: Date.UTC(2026, 0, 1, 3) } },
      committer: 'simulator',
      committerId: 1,
      comment: 'export for the auditors',
      scopes: RESULT_SCOPES,
    });
    expect(tickets[3]?.detail).toEqual({
      databaseSearchName: 'simulated@127.0.0.1:3306',
      dbId: 2004,
      schemaName: 'simulated',
      logic: false,
      tableNames: ['orders'],
      trackTypes: ['INSERT', 'UPDATE', 'DELETE'],
      jobStart: { offsetMs: -70 * 60_000 },
      jobEnd: { offsetMs: -10 * 60_000 },
    });
    expect(tickets[7]?.scopes).toEqual(['AS_ADMIN']);
  });

  it('reads start_time in the scenario zone', () => {
    const text =
      'credentials: [{ access_key_id: a, access_key_secret: b }]\ntimezone: UTC\nstart_time: 2026-01-05 09:00:00\norders: []\n';
    const result = parseScenario(text, 'scenario.yaml');
    expect(result.ok && result.value.startEpochMs).toBe(Date.UTC(2026, 0, 5, 9));
  });

  it('keeps a scenario without tickets as it was: no tickets, Asia/Shanghai, no ListOrders settings', async () => {
    const result = await loadScenarioFile(join(FIXTURES, 'good', 'full.yaml'));
    if (!result.ok) throw new Error(result.error.join('\n'));
    expect(result.value).toMatchObject({ tickets: [], timeZone: 'Asia/Shanghai', listOrders: undefined });
  });
});
