import { afterAll, describe, expect, it } from 'vitest';
import { lintMetrics } from '../support/promtool.js';
import { startGoldenStack } from '../support/golden.js';
import type { Stack } from '../support/stack.js';

let stack: Stack | undefined;
afterAll(async () => stack?.close());

describe('promtool check metrics on live output', () => {
  it('finds nothing but the three known prom-client lines', async () => {
    stack = await startGoldenStack();
    const { text } = await stack.scrape();
    const lint = lintMetrics(text);
    expect(lint.problems).toEqual([]);
    // Exit 3 is "lint problems" (the allowed ones); 1 would be a parse error.
    expect([0, 3]).toContain(lint.status);
    expect(text).toContain('aliyun_dms_datatrack_order_error_info{');
  });
});
