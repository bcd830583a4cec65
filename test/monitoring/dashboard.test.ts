import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_UID } from '../../grafana/src/constants.js';
import { buildDashboard, renderDashboardJson } from '../../grafana/src/dashboard.js';

const COMMITTED_PATH = 'grafana/dms-data-tracking.json';
const committedText = readFileSync(COMMITTED_PATH, 'utf8');
const committed = buildDashboard();

interface LoosePanel {
  type?: string;
  title?: string;
  description?: string;
  datasource?: unknown;
  targets?: { datasource?: unknown; expr?: string }[];
  transformations?: { id: string; options: { renameByName?: Record<string, string> } }[];
}

const panels = (committed.panels ?? []) as LoosePanel[];
const dataPanels = panels.filter((panel) => panel.type !== 'row');

/** The `count` panels after the row titled `title` (which must be a row). */
function panelsOfRow(title: string, count: number): LoosePanel[] {
  const row = panels.findIndex((panel) => panel.title === title);
  expect(panels[row]?.type, title).toBe('row');
  return panels.slice(row + 1, row + 1 + count);
}

describe('grafana/dms-data-tracking.json', () => {
  it('is exactly what grafana/dashboard.ts generates (run `npx tsx grafana/dashboard.ts` after a change)', () => {
    expect(committedText).toBe(renderDashboardJson());
  });

  it('has a stable uid and no export noise', () => {
    const parsed = JSON.parse(committedText) as Record<string, unknown>;
    expect(parsed.uid).toBe(DASHBOARD_UID);
    expect(parsed).not.toHaveProperty('id');
    expect(parsed).not.toHaveProperty('iteration');
    expect(parsed).not.toHaveProperty('version');
    expect(committedText).not.toMatch(/"auto(_min|_count)?":/);
  });

  it('takes its data source from the `datasource` variable everywhere', () => {
    const variables = committed.templating?.list ?? [];
    expect(variables[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    const ref = { type: 'prometheus', uid: '${datasource}' };
    for (const variable of variables.slice(1)) expect(variable.datasource, variable.name).toEqual(ref);
    for (const panel of dataPanels) {
      expect(panel.datasource, panel.title).toEqual(ref);
      for (const target of panel.targets ?? []) expect(target.datasource, panel.title).toEqual(ref);
    }
    // A hard-coded uid anywhere else would pin the dashboard to one Grafana.
    expect(committedText.match(/"uid": "[^"]*"/g)?.filter((u) => !u.includes('${datasource}'))).toEqual([
      `"uid": "${DASHBOARD_UID}"`,
    ]);
  });

  it('offers job, instance and order_id as multi-value variables with All', () => {
    const byName = new Map((committed.templating?.list ?? []).map((v) => [v.name, v]));
    for (const name of ['job', 'instance', 'order_id']) {
      expect(byName.get(name), name).toMatchObject({
        type: 'query',
        multi: true,
        includeAll: true,
        allValue: '.*',
      });
    }
    expect(byName.get('order_id')?.query).toBe(
      'label_values(aliyun_dms_datatrack_order_info{job=~"$job",instance=~"$instance"}, order_id)',
    );
  });

  it('describes every panel and scopes every per-order query by the variables', () => {
    for (const panel of dataPanels) {
      expect(panel.description?.length ?? 0, `${panel.title} description`).toBeGreaterThan(40);
      for (const target of panel.targets ?? []) {
        const expr = target.expr ?? '';
        // The baselines are recorded per job and profile or database, over every exporter of the job.
        if (/^max by \(job, (profile|database)\)/.test(expr))
          expect(expr, panel.title).toMatch(/\{job=~"\$job"[,}]/);
        else expect(expr, panel.title).toContain('job=~"$job",instance=~"$instance"');
        if (
          /aliyun_dms_datatrack_(up|job_status|ticket_status|stage_completion_ratio|order_(error_)?info)\{/.test(
            expr,
          )
        ) {
          expect(expr, panel.title).toContain('order_id=~"$order_id"');
        }
      }
    }
  });

  it('uses $__rate_interval for every rate', () => {
    const exprs = dataPanels.flatMap((panel) => (panel.targets ?? []).map((t) => t.expr ?? ''));
    const ranges = exprs.flatMap((expr) => [...expr.matchAll(/\brate\([^[]*\[([^\]]+)\]/g)].map((m) => m[1]));
    expect(ranges.length).toBeGreaterThan(0);
    expect(new Set(ranges)).toEqual(new Set(['$__rate_interval']));
  });

  it('shows display names next to order ids in per-order legends', () => {
    const perOrder = dataPanels.flatMap((panel) =>
      (panel.targets ?? []).filter((t) => t.expr?.includes('group_left (name)')).map(() => panel.title),
    );
    expect(perOrder.length).toBeGreaterThanOrEqual(6);
    expect(committedText).toContain('"legendFormat": "{{order_id}} {{name}}"');
  });

  it('shows who committed each discovered ticket and its ticket state in the status table', () => {
    const status = dataPanels.find((panel) => panel.title === 'Current status');
    const expr = status?.targets?.[0]?.expr ?? '';
    expect(expr).toContain('group_left (name, source, committer, comment, console_url)');
    expect(expr).toContain('group_left (ticket)');
    expect(expr).toContain('"NO_JOB"');
    expect(status?.transformations?.map((t) => t.id)).toEqual(['merge', 'organize']);
    const columns = Object.values(status?.transformations?.[1]?.options.renameByName ?? {});
    expect(columns).toEqual([
      'Order',
      'Name',
      'Status',
      'Ticket',
      'ETA',
      'Running for',
      'Committer',
      'Comment',
      'Source',
      'Exporter',
    ]);
    // ETA from the recorded estimates, as a time; running for from the exporter's start of the job.
    expect(status?.targets?.[1]?.expr).toContain('order:aliyun_dms_datatrack_job_remaining_seconds:estimate');
    expect(status?.targets?.[1]?.expr).toMatch(/^\(time\(\) \+ \(/);
    expect(status?.targets?.[2]?.expr).toMatch(
      /^time\(\) - max by \(job, instance, order_id\) \(aliyun_dms_datatrack_job_started_timestamp_seconds\{/,
    );
    expect(committedText).toContain('"url": "${__data.fields.console_url}"');
    const waiting = dataPanels.find((panel) => panel.title === 'Waiting for approval');
    expect(waiting?.targets?.[0]?.expr).toContain('status="toaudit"} == 1');
    expect(waiting?.targets?.[0]?.expr).toContain('committer');
  });

  it('has a "Ticket discovery" row: tickets, left out, time since the last success, errors by code', () => {
    const row = panelsOfRow('Ticket discovery', 4);
    expect(row.map((panel) => panel.title)).toEqual([
      'Discovered tickets',
      'Tickets left out (max_orders)',
      'Since last successful discovery',
      'Discovery errors',
    ]);
    const exprs = row.map((panel) => panel.targets?.[0]?.expr ?? '');
    expect(exprs.map((expr) => /aliyun_dms_datatrack_discover\w+/.exec(expr)?.[0])).toEqual([
      'aliyun_dms_datatrack_discovered_orders',
      'aliyun_dms_datatrack_discovery_orders_left_out',
      'aliyun_dms_datatrack_discovery_last_success_timestamp_seconds',
      'aliyun_dms_datatrack_discovery_errors_total',
    ]);
    expect(exprs[3]).toContain('by (instance, profile, code)');
  });

  it('has an "Estimates and durations" row: time left, elapsed vs usual, measured and usual durations', () => {
    expect(panelsOfRow('Estimates and durations', 5).map((panel) => panel.title)).toEqual([
      'Time left (estimate)',
      'Elapsed vs usual duration',
      'Measured durations',
      'Usual durations per profile (7 days)',
      'Usual durations per database',
    ]);
    const first = (title: string) => dataPanels.find((p) => p.title === title)?.targets?.[0]?.expr ?? '';
    expect(first('Time left (estimate)')).toContain(
      'order:aliyun_dms_datatrack_job_remaining_seconds:estimate',
    );
    expect(first('Elapsed vs usual duration')).toContain(
      'order:aliyun_dms_datatrack_job_elapsed_seconds:ratio_to_mean7d',
    );
  });
});
