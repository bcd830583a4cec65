import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARD_TITLE, DASHBOARD_UID } from './constants.js';
import { answersReused, apiCalls, apiLatency } from './panels-api.js';
import { discoveredTickets, discoveryAge, discoveryErrors, discoveryLeftOut } from './panels-discovery.js';
import {
  elapsedVsUsual,
  measuredDurations,
  timeLeft,
  usualDurations,
  usualDurationsByDatabase,
} from './panels-durations.js';
import { exporterState, orderAnswered, orderErrors, scrapeDuration } from './panels-exporter.js';
import { currentStatusTable, ordersPerState, progressOverTime, stageProgress } from './panels-orders.js';
import { awaitingApproval } from './panels-tickets.js';
import { variables } from './variables.js';

/** The dashboard as the foundation SDK builds it, before clean-up. */
function buildRaw(): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(DASHBOARD_TITLE)
    .uid(DASHBOARD_UID)
    .description(
      'Progress and failures of Alibaba Cloud DMS data-tracking tickets, from dms-datatrack-exporter. Alert runbooks: docs/runbooks.md in the dms-datatrack-exporter repository.',
    )
    .tags(['dms', 'alibaba-cloud', 'dms-datatrack-exporter'])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .variables(variables())
    .withRow(new dashboard.RowBuilder('Orders'))
    .withPanel(currentStatusTable())
    .withPanel(ordersPerState())
    .withPanel(awaitingApproval())
    .withPanel(stageProgress('list'))
    .withPanel(stageProgress('download'))
    .withPanel(stageProgress('filter'))
    .withPanel(progressOverTime())
    .withRow(new dashboard.RowBuilder('Estimates and durations'))
    .withPanel(timeLeft())
    .withPanel(elapsedVsUsual())
    .withPanel(measuredDurations())
    .withPanel(usualDurations())
    .withPanel(usualDurationsByDatabase())
    .withRow(new dashboard.RowBuilder('Exporter health'))
    .withPanel(orderAnswered())
    .withPanel(orderErrors())
    .withPanel(exporterState())
    .withPanel(scrapeDuration())
    .withRow(new dashboard.RowBuilder('Ticket discovery'))
    .withPanel(discoveredTickets())
    .withPanel(discoveryLeftOut())
    .withPanel(discoveryAge())
    .withPanel(discoveryErrors())
    .withRow(new dashboard.RowBuilder('DMS API'))
    .withPanel(apiCalls())
    .withPanel(apiLatency())
    .withPanel(answersReused());
  return builder.build();
}

/**
 * Fields foundation-sdk 0.0.21 writes into every variable although only interval variables use
 * them; @grafana/schema 13 does not declare them on VariableModel and Grafana ignores them on the
 * other kinds. Dropped here, in the generator, so the committed JSON is what the schema check
 * sees and any other undeclared field still fails that check.
 */
function withoutIntervalFields(variable: dashboard.VariableModel): dashboard.VariableModel {
  if (variable.type === dashboard.VariableType.Interval) return variable;
  const cleaned = { ...variable };
  delete cleaned.auto;
  delete cleaned.auto_min;
  delete cleaned.auto_count;
  return cleaned;
}

/**
 * The dashboard as committed: stable uid, no dashboard `id` (Grafana assigns one per instance), no
 * `iteration`, no interval-only variable fields, and panel ids 1..n in layout order (the SDK leaves
 * them unset or 0; Grafana's panel links and "view panel" need them unique).
 */
export function buildDashboard(): dashboard.Dashboard {
  const raw = buildRaw();
  const list = raw.templating?.list?.map(withoutIntervalFields);
  const panels = raw.panels?.map((panel, index) => ({ ...panel, id: index + 1 }));
  const committed = { ...raw, panels, templating: { list } };
  delete committed.id;
  return committed;
}

/** The exact text of grafana/dms-data-tracking.json. */
export function renderDashboardJson(): string {
  return `${JSON.stringify(buildDashboard(), null, 2)}\n`;
}
