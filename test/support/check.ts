import { readFile, writeFile } from 'node:fs/promises';
import { expect } from 'vitest';

// What the --dms.check tests share: the scenario they check against, and golden reports.

/** Two keys (the second may not call ListOrders), a job that lists for an hour, one always throttled. */
export const CHECK_SCENARIO = `credentials:
  - { access_key_id: LTAItestKeyId0001, access_key_secret: test-secret-Zq9pX2vK7 }
  - { access_key_id: LTAIdeniedKey0002, access_key_secret: denied-secret-0002, deny: [ListOrders] }
orders:
  - { id: 1001, tid: 3000, list: 1h }
  - { id: 1002, tid: 3000, fault: { kind: throttle } }
tickets:
  - { id: 1001, created: -2h, approved: -1h, committer: alice, detail: { database: orders@10.0.0.12:3306 } }
  - { id: 1002, created: -3h, approved: -2h, committer: bob }
`;

/**
 * A report with only what must vary replaced: latencies (`reached in N ms`) and the loopback ports
 * of the simulator or of a closed port (`127.0.0.1:PORT`; a database name's `@127.0.0.1:3306` stays).
 */
export function normalisedReport(report: string): string {
  return report
    .replace(/reached in \d+ ms/g, 'reached in N ms')
    .replace(/(?<!@)127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
}

/** Compares with test/fixtures/check/NAME.txt; UPDATE_GOLDEN=1 writes the file instead. */
export async function expectGoldenReport(name: string, normalised: string): Promise<void> {
  const path = `test/fixtures/check/${name}.txt`;
  if (process.env.UPDATE_GOLDEN === '1') await writeFile(path, normalised);
  expect(normalised).toBe(await readFile(path, 'utf8'));
}
