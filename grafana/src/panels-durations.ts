import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { orderPercentBars } from './bar-gauges.js';
import { DATASOURCE } from './constants.js';
import { lastValueLegend } from './legends.js';
import { ORDER_KEY, ORDER_LEGEND, orderSelector, withOrderName } from './queries.js';
import { RECORDED, secondsLeft } from './recorded.js';
import { instantTable, rangeQuery } from './targets.js';
import { METRICS } from '../../src/metrics/catalogue.js';

// When will each job be done, how long did it take, and how long do jobs usually take: the
// estimates and baselines of prometheus/rules.yml, and the durations the exporter measured.

/** Every job's estimated time left, over time: the estimates move as the ratios do. */
export function timeLeft(): cog.Builder<dashboard.Panel> {
  return new timeseries.PanelBuilder()
    .title('Time left (estimate)')
    .description(
      "Seconds until each job should be done: its current stage's estimate (its ratio's speed over the " +
        'last 30 minutes) plus the usual duration of the stages after it (their mean over 7 days in the ' +
        "order's profile). Where those baselines are not known yet, the current stage's estimate alone " +
        '(a lower bound). A job whose ratio has not moved for 30 minutes has no estimate (see ' +
        'DmsDataTrackJobStalled); DmsDataTrackJobEtaBeyondHorizon fires beyond 4 hours.',
    )
    .datasource(DATASOURCE)
    .withTarget(rangeQuery('A', withOrderName(secondsLeft()), ORDER_LEGEND))
    .unit('s')
    .min(0)
    .legend(lastValueLegend())
    .span(12)
    .height(8);
}

/** How far each running job is into its profile's usual duration. */
export function elapsedVsUsual(): cog.Builder<dashboard.Panel> {
  return orderPercentBars({
    title: 'Elapsed vs usual duration',
    description:
      'How long each running job has run (since it left INIT, as the exporter saw it) as a share of how ' +
      'long a whole job of its profile usually takes (the mean over 7 days). Orange from 100 %, red from ' +
      '200 %: a slow job stands out before it stalls. Empty for a job already running when the exporter ' +
      'started, and for a profile without a finished job in 7 days.',
    expr: withOrderName(`max by (${ORDER_KEY}) (${orderSelector(RECORDED.elapsedToMean)})`),
    max: 2,
    steps: [
      { value: null, color: 'green' },
      { value: 1, color: 'orange' },
      { value: 2, color: 'red' },
    ],
    span: 12,
  });
}

/** Columns of one row per key, each from its own instant query, joined by Grafana's merge. */
function durationTable(
  title: string,
  description: string,
  rows: string,
  columns: ReadonlyArray<{ readonly name: string; readonly expr: string }>,
  labels: Readonly<Record<string, string>>,
  span = 12,
): cog.Builder<dashboard.Panel> {
  const refIds = columns.map((_, i) => String.fromCharCode(66 + i));
  const panel = new table.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .withTarget(instantTable('A', rows));
  columns.forEach((column, i) => panel.withTarget(instantTable(refIds[i] ?? '', column.expr)));
  const valueNames = Object.fromEntries(refIds.map((id, i) => [`Value #${id}`, columns[i]?.name ?? '']));
  return panel
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true, Value: true, 'Value #A': true, job: true },
        indexByName: Object.fromEntries(
          [...Object.keys(labels), ...Object.keys(valueNames)].map((field, i) => [field, i]),
        ),
        renameByName: { ...labels, ...valueNames },
      },
    })
    .unit('dtdurations')
    .span(span)
    .height(8);
}

/** Per order: how long each stage, the whole job and the approval took. */
export function measuredDurations(): cog.Builder<dashboard.Panel> {
  const perOrder = (metric: string, extra = ''): string =>
    `max by (${ORDER_KEY}) (${orderSelector(metric, extra)})`;
  const approvalWait = `${perOrder(METRICS.ticketApproved.name)}\n- on (${ORDER_KEY})\n${perOrder(METRICS.ticketCreated.name)}`;
  const stage = (name: string) => perOrder(METRICS.stageDuration.name, `stage="${name}"`);
  const columns = [
    { name: 'Approval wait', expr: approvalWait },
    { name: 'List', expr: stage('list') },
    { name: 'Download', expr: stage('download') },
    { name: 'Filter', expr: stage('filter') },
    { name: 'Whole job', expr: perOrder(METRICS.jobDuration.name) },
  ];
  // A row for every order with at least one of them.
  const rows = withOrderName(columns.map((c) => `(${c.expr})`).join(`\nor on (${ORDER_KEY})\n`));
  return durationTable(
    'Measured durations',
    'For the incident review: how long each ticket waited for approval (from its CreateTime to when ' +
      'ListOrders first showed it approved or processing), how long each stage took (from the end of the ' +
      'stage before, so the wait before a stage counts to it) and the whole job. Stages and jobs are ' +
      'measured from what the exporter saw, to half a scrape interval; a stage that began before the ' +
      'exporter started is empty.',
    rows,
    columns,
    { order_id: 'Order', name: 'Name', instance: 'Exporter' },
    24,
  );
}

/** What a stage and a whole job usually take, per `key` (profile or database), from `rules.yml`. */
function usualDurationTable(
  key: 'profile' | 'database',
  records: { readonly stage: string; readonly job: string },
  title: string,
  description: string,
): cog.Builder<dashboard.Panel> {
  const by = `max by (job, ${key})`;
  const job = 'job=~"$job"';
  const stage = (name: string) => `${by} (${records.stage}{${job},stage="${name}"})`;
  const columns = [
    { name: 'List', expr: stage('list') },
    { name: 'Download', expr: stage('download') },
    { name: 'Filter', expr: stage('filter') },
    { name: 'Whole job', expr: `${by} (${records.job}{${job}})` },
  ];
  // A row for every key with at least one of them.
  const rows = columns.map((c) => c.expr).join(`\nor on (job, ${key})\n`);
  const label = `${key[0]?.toUpperCase() ?? ''}${key.slice(1)}`;
  return durationTable(title, description, rows, columns, { [key]: label });
}

export function usualDurations(): cog.Builder<dashboard.Panel> {
  return usualDurationTable(
    'profile',
    { stage: RECORDED.profileStageMean, job: RECORDED.profileJobMean },
    'Usual durations per profile (7 days)',
    'The baselines of the estimates: the mean duration of the stages and whole jobs that ended well in ' +
      'the last 7 days, per profile, summed over the exporters of the job. A profile appears once one of ' +
      'its stages has ended while an exporter watched it.',
  );
}

export function usualDurationsByDatabase(): cog.Builder<dashboard.Panel> {
  return usualDurationTable(
    'database',
    { stage: RECORDED.databaseStageMean, job: RECORDED.databaseJobMean },
    'Usual durations per database',
    'Per database of the tickets found by discovery: the mean durations over the jobs that finished ' +
      'well and are still followed (for discovery.keep_finished_for after they finished).',
  );
}
