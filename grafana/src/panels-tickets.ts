import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import { DATASOURCE } from './constants.js';
import { ORDER_KEY, orderSelector, withOrderInfo } from './queries.js';
import { instantTable } from './targets.js';
import { METRICS } from '../../src/metrics/catalogue.js';

/** Discovered tickets still waiting for approval (toaudit), with who to ask. */
export function awaitingApproval(): cog.Builder<dashboard.Panel> {
  const waiting = `max by (${ORDER_KEY}) (${orderSelector(METRICS.ticketStatus.name, 'status="toaudit"')} == 1)`;
  const expr = withOrderInfo(waiting, 'profile, committer, comment, database');
  return new table.PanelBuilder()
    .title('Waiting for approval')
    .description(
      'Data-tracking tickets found by discovery that are still waiting for approval (ListOrders state ' +
        'toaudit): their job has not started, so nothing is tracked yet. Ask the approvers in DMS, or the ' +
        'committer whether the ticket is still wanted. DmsDataTrackTicketAwaitingApproval fires after 4 hours.',
    )
    .datasource(DATASOURCE)
    .withTarget(instantTable('A', expr))
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true, Value: true, job: true },
        indexByName: { order_id: 0, committer: 1, comment: 2, database: 3, profile: 4, instance: 5 },
        renameByName: {
          order_id: 'Ticket',
          committer: 'Committer',
          comment: 'Comment',
          database: 'Database',
          profile: 'Profile',
          instance: 'Exporter',
        },
      },
    })
    .noValue('No ticket is waiting for approval')
    .span(12)
    .height(9);
}
