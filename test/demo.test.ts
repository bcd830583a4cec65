import { describe, expect, it } from 'vitest';
import { JOB_STATES, jobProgressAt } from 'dms-simulator';
import { demoScenario } from '../src/demo.js';

describe('demoScenario', () => {
  it('shows every status within its first ten minutes, and repeats', () => {
    const scenario = demoScenario({ accessKeyId: 'id', accessKeySecret: 'secret' });
    const seen = new Set<string>();
    for (let s = 0; s < 600; s += 5)
      for (const o of scenario.orders) seen.add(jobProgressAt(o, s * 1000).status);
    expect([...seen].sort()).toEqual([...JOB_STATES].sort());
    expect(scenario.repeatEveryMs).toBe(600_000);
    expect(scenario.credentials).toEqual([{ accessKeyId: 'id', accessKeySecret: 'secret' }]);
    expect(new Set(scenario.orders.map((o) => o.id)).size).toBe(scenario.orders.length);
    const stalled = scenario.orders.filter((o) => o.outcome === 'stall');
    expect(stalled).toHaveLength(1);
    // Discovery finds them: every job has a ticket, one more waits for approval, one is another kind.
    expect(scenario.tickets?.filter((t) => t.pluginType === 'DATA_TRACK')).toHaveLength(
      scenario.orders.length,
    );
  });
});
