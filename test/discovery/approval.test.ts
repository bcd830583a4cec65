import { afterEach, describe, expect, it } from 'vitest';
import { approvalTime } from '../../src/discovery/approval.js';
import { ManualClock } from '../support/clock.js';
import { afterDiscoveryRun } from '../support/discovery.js';
import { TEST_KEY, sampleValue, scenarioFromYaml, startStack, type Stack } from '../support/stack.js';

// A ticket's submission and approval times, as discovery reads them from ListOrders. The scenario's
// ticket clock starts at 2026-01-05 09:00:00 (Asia/Shanghai), the exporter's manual clock at the same
// instant; discovery runs every minute.
const START_MS = Date.parse('2026-01-05T01:00:00Z');
const MIN = 60_000;

const SCENARIO = `credentials:
  - { access_key_id: ${TEST_KEY.accessKeyId}, access_key_secret: ${TEST_KEY.accessKeySecret} }
timezone: Asia/Shanghai
start_time: 2026-01-05 09:00:00
orders:
  - { id: 41, start: 5m, list: 1h }
  - { id: 42, list: 1h }
  - { id: 44, list: 1h }
tickets:
  # Waiting at 09:00, approved at 09:01:30, its job starts at 09:05.
  - { id: 41, created: -2h, approved: 90s, committer: alice }
  # Approved long ago, its job running: first seen processing, since the job began (09:00).
  - { id: 42, created: -1h, approved: -50m, committer: bob }
  # Never approved.
  - { id: 43, created: -30m, committer: carol }
  # Closed before the exporter ever saw it run.
  - { id: 44, created: -3h, approved: -170m, end: { status: closed, at: -1h }, committer: dave }
`;

const CONFIG = `profiles:
  default:
    endpoint: \${SIM}
    protocol: http
    access_key_id: \${AK_ID}
    access_key_secret: \${AK_SECRET}
    discovery: { enabled: true, interval: 1m }
`;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const created = (text: string, id: number) =>
  sampleValue(text, `aliyun_dms_datatrack_ticket_created_timestamp_seconds{order_id="${id}"}`);
const approved = (text: string, id: number) =>
  sampleValue(text, `aliyun_dms_datatrack_ticket_approved_timestamp_seconds{order_id="${id}"}`);
const at = (minutes: number): number => (START_MS + minutes * MIN) / 1000;

describe('approvalTime', () => {
  it('reads LastModifyTime while the ticket is approved or processing, and keeps the first reading', () => {
    expect(approvalTime(undefined, 'approved', 5)).toBe(5);
    expect(approvalTime(undefined, 'processing', 7)).toBe(7);
    expect(approvalTime(5, 'processing', 7)).toBe(5);
    expect(approvalTime(5, 'success', 9)).toBe(5);
    for (const status of ['toaudit', 'success', 'fail', 'reject', 'cancel', 'closed', 'unknown'] as const)
      expect(approvalTime(undefined, status, 9)).toBeUndefined();
  });
});

describe("a discovered ticket's submission and approval", () => {
  it('exports CreateTime, and the approval once the ticket is seen approved or running', async () => {
    const clock = new ManualClock(START_MS);
    stack = await startStack({
      scenario: scenarioFromYaml(SCENARIO),
      configText: CONFIG,
      clock,
      elapsedMs: () => clock.now() - START_MS,
    });
    const first = await afterDiscoveryRun(stack, 1);
    expect([41, 42, 43, 44].map((id) => created(first, id))).toEqual([at(-120), at(-60), at(-30), at(-180)]);
    expect([41, 42, 43, 44].map((id) => approved(first, id))).toEqual([
      undefined, // still waiting
      at(0), // processing since its job began, 50 minutes after its approval
      undefined,
      undefined, // first seen closed: its approval is not in ListOrders any more
    ]);
    const runAt = async (minute: number): Promise<string> => {
      clock.advance(MIN); // each run sets the next one's timer when it ends
      return afterDiscoveryRun(s, minute + 1);
    };
    const s = stack;
    await runAt(1);
    const second = await runAt(2); // 09:02: 41 approved at 09:01:30, its job not started
    expect(second).toContain('aliyun_dms_datatrack_ticket_status{order_id="41",status="approved"} 1');
    expect(approved(second, 41)).toBe(at(1.5));
    for (const minute of [3, 4, 5]) await runAt(minute);
    const third = await runAt(6); // 09:06: 41 processing since 09:05; the approval read before stays
    expect(third).toContain('aliyun_dms_datatrack_ticket_status{order_id="41",status="processing"} 1');
    expect(approved(third, 41)).toBe(at(1.5));
  });
});
