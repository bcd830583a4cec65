// The renderer the exporter had before it kept each order's lines as text (src/metrics/order-text.ts),
// kept only as the reference the new one must equal
// byte for byte (test/metrics/render-identity.test.ts): every order series set on prom-client gauges
// in a registry made for the scrape, the self metrics registered alongside, prom-client rendering all.
import { Gauge, Registry, type Metric, type RegistryContentType } from 'prom-client';
import { STAGES } from '../../src/collector/job-watch.js';
import type { OrderOutcome, ScrapeResult } from '../../src/collector/types.js';
import { TICKET_STATUSES, type TicketStatus } from '../../src/orders.js';
import { JOB_STATUSES, type JobDegree, type JobStatus } from '../../src/dms/types.js';
import { METRICS } from '../../src/metrics/catalogue.js';
import { MAX_COMMENT_LABEL } from '../../src/metrics/order-lines.js';
import type { ExpositionFormat } from '../../src/metrics/exposition.js';

const EXPORTED_STATUSES: readonly JobStatus[] = [...JOB_STATUSES, 'UNKNOWN'];
const TICKET_STATES: readonly TicketStatus[] = [...TICKET_STATUSES, 'unknown'];

export async function renderWithPromClient(
  result: ScrapeResult,
  self: Registry<RegistryContentType>,
  format: ExpositionFormat,
): Promise<string> {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(
    format === 'openmetrics' ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE,
  );
  writeOrderMetrics(registry, result);
  // getMetricsAsArray() is typed as plain objects but returns the metric instances.
  for (const metric of self.getMetricsAsArray()) registry.registerMetric(metric as unknown as Metric);
  return registry.metrics();
}

function writeOrderMetrics(registry: Registry<RegistryContentType>, result: ScrapeResult): void {
  const registers = [registry];
  const up = new Gauge({ ...METRICS.up, labelNames: ['order_id'], registers });
  const ratio = new Gauge({ ...METRICS.stageCompletionRatio, labelNames: ['order_id', 'stage'], registers });
  const status = new Gauge({ ...METRICS.jobStatus, labelNames: ['order_id', 'status'], registers });
  const lastSuccess = new Gauge({ ...METRICS.lastSuccessTimestamp, labelNames: ['order_id'], registers });
  const info = new Gauge({
    ...METRICS.orderInfo,
    labelNames: [
      'order_id',
      'name',
      'profile',
      'tid',
      'source',
      'committer',
      'comment',
      'database',
      'console_url',
    ],
    registers,
  });
  const errorInfo = new Gauge({ ...METRICS.orderErrorInfo, labelNames: ['order_id', 'code'], registers });
  const ticketStatus = new Gauge({ ...METRICS.ticketStatus, labelNames: ['order_id', 'status'], registers });
  const rangeStart = new Gauge({ ...METRICS.trackedRangeStart, labelNames: ['order_id'], registers });
  const rangeEnd = new Gauge({ ...METRICS.trackedRangeEnd, labelNames: ['order_id'], registers });
  const tables = new Gauge({ ...METRICS.trackedTables, labelNames: ['order_id'], registers });
  const statusSince = new Gauge({ ...METRICS.jobStatusSince, labelNames: ['order_id'], registers });
  const started = new Gauge({ ...METRICS.jobStarted, labelNames: ['order_id'], registers });
  const stageDuration = new Gauge({ ...METRICS.stageDuration, labelNames: ['order_id', 'stage'], registers });
  const jobDuration = new Gauge({ ...METRICS.jobDuration, labelNames: ['order_id'], registers });
  const created = new Gauge({ ...METRICS.ticketCreated, labelNames: ['order_id'], registers });
  const approved = new Gauge({ ...METRICS.ticketApproved, labelNames: ['order_id'], registers });

  for (const outcome of result.outcomes) {
    const order_id = String(outcome.order.id);
    const { name, profile, tid, source, ticket } = outcome.order;
    info.set(
      {
        order_id,
        name,
        profile,
        tid: tid === undefined ? '' : String(tid),
        source,
        committer: ticket?.committer ?? '',
        // Characters, not UTF-16 code units: a pair of halves is never cut in two.
        comment: [...(ticket?.comment ?? '')].slice(0, MAX_COMMENT_LABEL).join(''),
        database: ticket?.detail?.database ?? '',
        console_url: outcome.order.consoleUrl ?? '',
      },
      1,
    );
    if (outcome.lastSuccessMs !== undefined) lastSuccess.set({ order_id }, outcome.lastSuccessMs / 1000);
    if (ticket !== undefined) {
      for (const state of TICKET_STATES)
        ticketStatus.set({ order_id, status: state }, state === ticket.status ? 1 : 0);
      const detail = ticket.detail;
      if (detail?.rangeStartMs !== undefined) rangeStart.set({ order_id }, detail.rangeStartMs / 1000);
      if (detail?.rangeEndMs !== undefined) rangeEnd.set({ order_id }, detail.rangeEndMs / 1000);
      if (detail !== undefined) tables.set({ order_id }, detail.tables.length);
      if (ticket.createdMs !== undefined) created.set({ order_id }, ticket.createdMs / 1000);
      if (ticket.approvedMs !== undefined) approved.set({ order_id }, ticket.approvedMs / 1000);
    }
    if (outcome.answer.kind === 'no_job') continue;
    const degree = degreeOf(outcome);
    if (degree === undefined) {
      up.set({ order_id }, 0);
      if (outcome.answer.kind === 'failed') errorInfo.set({ order_id, code: outcome.answer.error.code }, 1);
      continue;
    }
    up.set({ order_id }, 1);
    ratio.set({ order_id, stage: 'list' }, degree.listRatio);
    ratio.set({ order_id, stage: 'download' }, degree.downloadRatio);
    ratio.set({ order_id, stage: 'filter' }, degree.filterRatio);
    for (const state of EXPORTED_STATUSES)
      status.set({ order_id, status: state }, state === degree.status ? 1 : 0);
    const { times } = outcome;
    if (times.statusSinceMs !== undefined) statusSince.set({ order_id }, times.statusSinceMs / 1000);
    if (times.startedMs !== undefined) started.set({ order_id }, times.startedMs / 1000);
    for (const stage of STAGES) {
      const ms = times.stageMs[stage];
      if (ms !== undefined) stageDuration.set({ order_id, stage }, ms / 1000);
    }
    if (times.jobMs !== undefined) jobDuration.set({ order_id }, times.jobMs / 1000);
  }

  new Gauge({ ...METRICS.scrapeDuration, registers }).set(result.durationMs / 1000);
  new Gauge({ ...METRICS.scrapeTimeout, registers }).set(result.timeoutMs / 1000);
}

function degreeOf(outcome: OrderOutcome): JobDegree | undefined {
  return outcome.answer.kind === 'fresh' || outcome.answer.kind === 'cached'
    ? outcome.answer.degree
    : undefined;
}
