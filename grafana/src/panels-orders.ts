import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { orderPercentBars } from './bar-gauges.js';
import { DATASOURCE } from './constants.js';
import { lastValueLegend } from './legends.js';
import {
  ORDER_KEY,
  ORDER_LEGEND,
  orderSelector,
  withOrderDetails,
  withOrderName,
  withTicketState,
} from './queries.js';
import { secondsLeft } from './recorded.js';
import { NO_JOB, STATE_COLOURS, stateValueMapping, ticketValueMapping } from './states.js';
import { instantQuery, instantTable, rangeQuery } from './targets.js';
import { NO_JOB_TICKET_STATUSES } from '../../src/orders.js';
import { FINAL_STATUSES } from '../../src/dms/types.js';
import { METRICS } from '../../src/metrics/catalogue.js';

const STATUS = METRICS.jobStatus.name;
const RATIO = METRICS.stageCompletionRatio.name;
const UP = METRICS.up.name;
const TICKET = METRICS.ticketStatus.name;

/** Seconds since each selected order's running job left INIT (none for a finished job). */
export function runningFor(): string {
  const finished = `status=~"${[...FINAL_STATUSES].join('|')}"`;
  return (
    `time() - max by (${ORDER_KEY}) (${orderSelector(METRICS.jobStarted.name)})\n` +
    `unless on (${ORDER_KEY}) (${orderSelector(STATUS, finished)} == 1)`
  );
}

/**
 * One row per followed order: its job state (NO_ANSWER when this scrape had none, NO_JOB for a
 * discovered ticket that has no job to ask about), its ticket state, who committed it, when it will
 * be done and for how long it has run; its id links to the ticket where the profile has a console_url.
 */
export function currentStatusTable(): cog.Builder<dashboard.Panel> {
  const noJobTickets = `status=~"${[...NO_JOB_TICKET_STATUSES].join('|')}"`;
  const current = `max by (${ORDER_KEY}, status) (${orderSelector(STATUS)} == 1)`;
  const unanswered = `label_replace(max by (${ORDER_KEY}) (${orderSelector(UP)} == 0), "status", "NO_ANSWER", "", "")`;
  const noJob =
    `label_replace(max by (${ORDER_KEY}) (${orderSelector(TICKET, noJobTickets)} == 1) ` +
    `unless on (${ORDER_KEY}) ${orderSelector(UP)}, "status", "${NO_JOB}", "", "")`;
  const expr = withOrderDetails(withTicketState(`${current}\nor\n${unanswered}\nor\n${noJob}`));
  return (
    new table.PanelBuilder()
      .title('Current status')
      .description(
        'Every followed data-tracking order now. Status is the job state DMS reports: DOWNLOAD_FAIL and ' +
          'FILTER_FAIL (red) are final failures, FILTER_SUCCESS (green) means done; NO_ANSWER: the last scrape got ' +
          'no valid DMS answer (see "Why orders have no answer"); NO_JOB: a discovered ticket with no job yet or ' +
          'any more. Ticket is the ticket state of a discovered ticket (toaudit, yellow: waiting for approval). ' +
          'Committer and Comment say who to ask about a discovered ticket; Source is config, discovery or probe. ' +
          'ETA: when the job should be done (the estimate of prometheus/rules.yml; empty while unknown). Running ' +
          'for: since the job left INIT, as the exporter saw it (empty for a job already running when the ' +
          "exporter started). The order id links to the ticket in the DMS console where the order's profile " +
          'has a console_url.',
      )
      .datasource(DATASOURCE)
      .withTarget(instantTable('A', expr))
      .withTarget(instantTable('B', `(time() + (\n${secondsLeft()}\n)) * 1000`))
      .withTarget(instantTable('C', runningFor()))
      // One row per order: the ETA and running-for frames join the status frame on its labels.
      .withTransformation({ id: 'merge', options: {} })
      .withTransformation({
        id: 'organize',
        options: {
          excludeByName: { Time: true, Value: true, 'Value #A': true, job: true },
          indexByName: {
            order_id: 0,
            name: 1,
            status: 2,
            ticket: 3,
            'Value #B': 4,
            'Value #C': 5,
            committer: 6,
            comment: 7,
            source: 8,
            instance: 9,
            console_url: 10,
          },
          renameByName: {
            order_id: 'Order',
            name: 'Name',
            status: 'Status',
            ticket: 'Ticket',
            'Value #B': 'ETA',
            'Value #C': 'Running for',
            committer: 'Committer',
            comment: 'Comment',
            source: 'Source',
            instance: 'Exporter',
          },
        },
      })
      .mappings([stateValueMapping(), ticketValueMapping()])
      .overrideByName('Status', [
        { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorBackground } },
      ])
      .overrideByName('Ticket', [
        { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorBackground } },
      ])
      .overrideByName('ETA', [{ id: 'unit', value: 'dateTimeFromNow' }])
      .overrideByName('Running for', [{ id: 'unit', value: 'dtdurations' }])
      // The link's address, not shown as a column of its own.
      .overrideByName('console_url', [{ id: 'custom.hidden', value: true }])
      .overrideByName('Order', [
        {
          id: 'links',
          value: [{ title: 'Open the ticket in the DMS console', url: '${__data.fields.console_url}' }],
        },
      ])
      .sortBy([new common.TableSortByFieldStateBuilder().displayName('Order')])
      .span(24)
      .height(9)
  );
}

/** How many of the selected orders are in each state now. */
export function ordersPerState(): cog.Builder<dashboard.Panel> {
  const panel = new stat.PanelBuilder()
    .title('Orders per state')
    .description(
      'Number of selected orders in each state now; NO_ANSWER counts orders the last scrape could not read.',
    )
    .datasource(DATASOURCE)
    .withTarget(instantQuery('A', `count by (status) (${orderSelector(STATUS)} == 1)`, '{{status}}'))
    .withTarget(instantQuery('B', `count(${orderSelector(UP)} == 0)`, 'NO_ANSWER'))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Fixed).fixedColor('text'))
    .span(12)
    .height(9);
  for (const [state, colour] of Object.entries(STATE_COLOURS)) {
    panel.overrideByName(state, [{ id: 'color', value: { mode: 'fixed', fixedColor: colour } }]);
  }
  return panel;
}

/** Bars for one stage's completion ratio per order. */
export function stageProgress(stage: 'list' | 'download' | 'filter'): cog.Builder<dashboard.Panel> {
  return orderPercentBars({
    title: `${stage[0]?.toUpperCase() ?? ''}${stage.slice(1)} progress`,
    description:
      `Completion of the ${stage} stage of each order, as DMS reports it (0-100 %). Orders without an answer ` +
      'in the last scrape are missing here.',
    expr: withOrderName(`max by (${ORDER_KEY}) (${orderSelector(RATIO, `stage="${stage}"`)})`),
    max: 1,
    steps: [
      { value: null, color: 'blue' },
      { value: 1, color: 'green' },
    ],
    span: 8,
  });
}

/** The three ratios over the selected time range. */
export function progressOverTime(): cog.Builder<dashboard.Panel> {
  const expr = withOrderName(`max by (${ORDER_KEY}, stage) (${orderSelector(RATIO)})`);
  return new timeseries.PanelBuilder()
    .title('Progress over time')
    .description(
      'List, download and filter completion per order over time. A flat line on a running job is what ' +
        'the DmsDataTrackJobStalled alert watches; gaps are scrapes without a valid DMS answer.',
    )
    .datasource(DATASOURCE)
    .withTarget(rangeQuery('A', expr, `${ORDER_LEGEND} {{stage}}`))
    .unit('percentunit')
    .min(0)
    .max(1)
    .legend(lastValueLegend())
    .span(24)
    .height(9);
}
