import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { scenarioFromYaml, startStack, type Stack } from '../support/stack.js';

/** prom-client's default metrics always trip these three lint rules; nothing else may appear. */
const ALLOWED_LINT = [
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
];

let stack: Stack | undefined;
afterAll(async () => stack?.close());

describe('promtool check metrics on live output', () => {
  it('finds nothing but the three known prom-client lines', async () => {
    stack = await startStack({
      scenario: scenarioFromYaml(await readFile('test/fixtures/golden/scenario.yaml', 'utf8')),
      configText: await readFile('test/fixtures/golden/config.yaml', 'utf8'),
      elapsedMs: () => 100_000,
    });
    const { text } = await stack.scrape();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    if (lint.error)
      throw new Error(`promtool not runnable (install Debian package prometheus): ${lint.error.message}`);
    const problems = lint.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    expect(problems.filter((p) => !ALLOWED_LINT.includes(p))).toEqual([]);
    // Exit 3 is "lint problems" (the allowed ones); 1 would be a parse error.
    expect([0, 3]).toContain(lint.status);
    expect(text).toContain('aliyun_dms_datatrack_order_error_info{');
  });
});
