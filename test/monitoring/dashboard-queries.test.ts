import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  dashboardVariableNames,
  listDashboardQueries,
  QUERIES_EMPTY_WHEN_HEALTHY,
  substituteGrafanaVariables,
} from '../support/dashboard-queries.js';
import { KNOWN_METRIC_NAMES } from '../support/known-metrics.js';
import { metricNamesIn, promqlSyntaxErrors } from '../support/promql.js';

const dashboard: unknown = JSON.parse(readFileSync('grafana/dms-data-tracking.json', 'utf8'));
const queries = listDashboardQueries(dashboard);
/** One selection of the dashboard variables: the values "All" sends. */
const SELECTION = { job: '.*', instance: '.*', order_id: '.*' };

describe('dashboard queries', () => {
  it('lists every variable and panel query', () => {
    expect(queries.filter((q) => q.source.startsWith('variable ')).map((q) => q.source)).toEqual([
      'variable job',
      'variable instance',
      'variable order_id',
    ]);
    expect(queries.length).toBeGreaterThanOrEqual(20);
  });

  it('names only existing queries in QUERIES_EMPTY_WHEN_HEALTHY', () => {
    const sources = new Set(queries.map((q) => q.source));
    expect([...QUERIES_EMPTY_WHEN_HEALTHY].filter((source) => !sources.has(source))).toEqual([]);
  });

  it('covers every dashboard variable but the data source in SELECTION', () => {
    expect(dashboardVariableNames(dashboard).filter((n) => n !== 'datasource')).toEqual(
      Object.keys(SELECTION),
    );
  });

  it.each(queries.map((q) => [q.source, q.expr] as const))('%s parses as PromQL', (_source, expr) => {
    expect(promqlSyntaxErrors(substituteGrafanaVariables(expr, SELECTION))).toEqual([]);
  });

  it('uses only metric names the exporter (or Prometheus) writes', () => {
    const used = queries.flatMap((q) => metricNamesIn(substituteGrafanaVariables(q.expr, SELECTION)));
    expect(used.filter((name) => !KNOWN_METRIC_NAMES.has(name))).toEqual([]);
    expect(new Set(used).size).toBeGreaterThanOrEqual(12);
  });
});

describe('substituteGrafanaVariables', () => {
  it('replaces built-ins and every variable syntax Grafana accepts', () => {
    const expr =
      'rate(x{a=~"$job",b=~"${instance}",c=~"${order_id:regex}",d="[[job]]"}[$__rate_interval]) offset $__range';
    expect(substituteGrafanaVariables(expr, { job: 'j', instance: 'i', order_id: 'o' })).toBe(
      'rate(x{a=~"j",b=~"i",c=~"o",d="j"}[4m]) offset 1h',
    );
    expect(substituteGrafanaVariables('x[$__interval]', { __interval: '30s' })).toBe('x[30s]');
  });

  it('fails on a variable it has no value for', () => {
    expect(() => substituteGrafanaVariables('up{job=~"$jobs"}', SELECTION)).toThrow(
      'unknown Grafana variable $jobs in "up{job=~\\"$jobs\\"}"',
    );
    expect(() => substituteGrafanaVariables('x[${__rate_intervall}]', SELECTION)).toThrow(
      /\$\{__rate_intervall\}/,
    );
  });
});

describe('promqlSyntaxErrors', () => {
  it('reports a broken expression', () => {
    expect(promqlSyntaxErrors('sum(rate(x[5m])')).not.toEqual([]);
    expect(promqlSyntaxErrors('sum(rate(x[5m]))')).toEqual([]);
  });
});
