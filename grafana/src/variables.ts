import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '../../src/metrics/catalogue.js';
import { DATASOURCE, SCRAPE_JOB } from './constants.js';

/** Any Prometheus data source; the provisioned one (uid `prometheus`) is the default. */
function datasourceVariable(): cog.Builder<dashboard.VariableModel> {
  return new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus');
}

/**
 * A label_values() variable: multi-select with "All" as `.*` (a short regex instead of every value
 * joined, which keeps queries small when there are many orders).
 */
function labelVariable(
  name: string,
  label: string,
  query: string,
  current?: string,
): cog.Builder<dashboard.VariableModel> {
  const variable = new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
  if (current !== undefined) variable.current({ selected: true, text: [current], value: [current] });
  return variable;
}

export function variables(): cog.Builder<dashboard.VariableModel>[] {
  return [
    datasourceVariable(),
    // build_info exists as soon as the exporter is scraped, even with no order configured.
    labelVariable('job', 'Job', `label_values(${METRICS.buildInfo.name}, job)`, SCRAPE_JOB),
    labelVariable('instance', 'Exporter', `label_values(${METRICS.buildInfo.name}{job=~"$job"}, instance)`),
    labelVariable(
      'order_id',
      'Order',
      `label_values(${METRICS.orderInfo.name}{job=~"$job",instance=~"$instance"}, order_id)`,
    ),
  ];
}
