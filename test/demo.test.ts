import { describe, expect, it } from 'vitest';
import { JOB_STATES, jobProgressAt } from 'dms-simulator';
import { demoScenario } from '../src/demo.js';

describe('demoScenario', () => {
  it('shows every status within its first ten minutes, and repeats every hour', () => {
    const scenario = demoScenario({ accessKeyId: 'id', accessKeySecret: 'secret' });
    const seen = new Set<string>();
    for (let s = 0; s < 600; s += 5)
      for (const o of scenario.orders) seen.add(jobProgressAt(o, s * 1000).status);
    expect([...seen].sort()).toEqual([...JOB_STATES].sort());
    expect(scenario.repeatEveryMs).toBe(3_600_000);
    expect(scenario.credentials).toEqual([{ accessKeyId: 'id', accessKeySecret: 'secret' }]);
    expect(new Set(scenario.orders.map((o) => o.id)).size).toBe(scenario.orders.length);
    const stalled = scenario.orders.filter((o) => o.outcome === 'stall');
    expect(stalled).toHaveLength(1);
    // Discovery finds them: every job has a ticket, one more waits for approval, one is another kind.
    expect(scenario.tickets?.filter((t) => t.pluginType === 'DATA_TRACK')).toHaveLength(
      scenario.orders.length,
    );
  });

  it('has a job that starts after the demo does and runs in stages of minutes, for estimates to move', () => {
    const scenario = demoScenario({ accessKeyId: 'id', accessKeySecret: 'secret' });
    const long = scenario.orders.find((o) => o.id === 1013);
    if (long === undefined) throw new Error('no job 1013');
    // The demo starts 40 s into the timeline; at a one-minute scrape the exporter sees the job leave INIT.
    expect(jobProgressAt(long, 40_000).status).toBe('INIT');
    expect(jobProgressAt(long, 100_000).status).toBe('INIT');
    const minutes = (status: string) =>
      Array.from({ length: 60 }, (_, m) => jobProgressAt(long, m * 60_000).status).filter((s) => s === status)
        .length;
    const stages = ['LISTING', 'DOWNLOADING', 'FILTERING'].map(minutes);
    for (const stage of stages) expect(stage).toBeGreaterThanOrEqual(5);
    // It ends well within the hour, and its longest stage plus the 30-minute estimate window fits in it.
    expect(jobProgressAt(long, 35 * 60_000).status).toBe('FILTER_SUCCESS');
    expect(Math.max(...stages) + 30).toBeLessThan((scenario.repeatEveryMs ?? 0) / 60_000);
    expect(scenario.tickets?.find((t) => t.id === 1013)?.committer).toBe('grace');
  });
});
