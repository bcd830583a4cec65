import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE } from './constants.js';
import {
  ORDER_KEY,
  ORDER_LEGEND,
  orderSelector,
  withOrderDetails,
  withOrderName,
  withTicketState,
} from './queries.js';
import { NO_JOB, STATE_COLOURS, stateValueMapping, ticketValueMapping } from './states.js';
import { instantQuery, instantTable, rangeQuery } from './targets.js';
import { NO_JOB_TICKET_STATUSES } from '../../src/orders.js';
import { METRICS } from '../../src/metrics/catalogue.js';

const STATUS = METRICS.jobStatus.name;
const RATIO = METRICS.stageCompletionRatio.name;
const UP = METRICS.up.name;
const TICKET = METRICS.ticketStatus.name;

/**
 * One row per followed order: its job state (NO_ANSWER when this scrape had none, NO_JOB for a
 * discovered ticket that has no job to ask about), its ticket state, and who committed it.
 */
export function currentStatusTable(): cog.Builder<dashboard.Panel> {
  const noJobTickets = `status=~"${[...NO_JOB_TICKET_STATUSES].join('|')}"`;
  const current = `max by (${ORDER_KEY}, status) (${orderSelector(STATUS)} == 1)`;
  const unanswered = `label_replace(max by (${ORDER_KEY}) (${orderSelector(UP)} == 0), "status", "NO_ANSWER", "", "")`;
  const noJob =
    `label_replace(max by (${ORDER_KEY}) (${orderSelector(TICKET, noJobTickets)} == 1) ` +
    `unless on (${ORDER_KEY}) ${orderSelector(UP)}, "status", "${NO_JOB}", "", "")`;
  const expr = withOrderDetails(withTicketState(`${current}\nor\n${unanswered}\nor\n${noJob}`));
  return new table.PanelBuilder()
    .title('Current status')
    .description(
      'Every followed data-tracking order now. Status is the job state DMS reports: DOWNLOAD_FAIL and ' +
        'FILTER_FAIL (red) are final failures, FILTER_SUCCESS (green) means done; NO_ANSWER: the last scrape got ' +
        'no valid DMS answer (see "Why orders have no answer"); NO_JOB: a discovered ticket with no job yet or ' +
        'any more. Ticket is the ticket state of a discovered ticket (toaudit, yellow: waiting for approval). ' +
        'Committer and Comment say who to ask about a discovered ticket; Source is config, discovery or probe.',
    )
    .datasource(DATASOURCE)
    .withTarget(instantTable('A', expr))
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true, Value: true, job: true },
        indexByName: {
          order_id: 0,
          name: 1,
          status: 2,
          ticket: 3,
          committer: 4,
          comment: 5,
          source: 6,
          instance: 7,
        },
        renameByName: {
          order_id: 'Order',
          name: 'Name',
          status: 'Status',
          ticket: 'Ticket',
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
    .sortBy([new common.TableSortByFieldStateBuilder().displayName('Order')])
    .span(24)
    .height(9);
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
  const expr = withOrderName(`max by (${ORDER_KEY}) (${orderSelector(RATIO, `stage="${stage}"`)})`);
  return new bargauge.PanelBuilder()
    .title(`${stage[0]?.toUpperCase() ?? ''}${stage.slice(1)} progress`)
    .description(
      `Completion of the ${stage} stage of each order, as DMS reports it (0-100 %). Orders without an answer ` +
        'in the last scrape are missing here.',
    )
    .datasource(DATASOURCE)
    .withTarget(instantQuery('A', expr, ORDER_LEGEND))
    .unit('percentunit')
    .min(0)
    .max(1)
    .decimals(0)
    .thresholds(
      new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
        { value: null, color: 'blue' },
        { value: 1, color: 'green' },
      ]),
    )
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .orientation(common.VizOrientation.Horizontal)
    .showUnfilled(true)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .span(8)
    .height(8);
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
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Right)
        .showLegend(true)
        .calcs(['lastNotNull']),
    )
    .span(24)
    .height(9);
}
