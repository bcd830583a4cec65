import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { lintMetrics } from '../support/promtool.js';
import { scenarioFromYaml, startStack, type Stack } from '../support/stack.js';

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
    const lint = lintMetrics(text);
    expect(lint.problems).toEqual([]);
    // Exit 3 is "lint problems" (the allowed ones); 1 would be a parse error.
    expect([0, 3]).toContain(lint.status);
    expect(text).toContain('aliyun_dms_datatrack_order_error_info{');
  });
});
