// The renderer the exporter had before issue 10, kept only as the reference the new one must equal
// byte for byte (test/metrics/render-identity.test.ts): every order series set on prom-client gauges
// in a registry made for the scrape, the self metrics registered alongside, prom-client rendering all.
import { Gauge, Registry, type Metric, type RegistryContentType } from 'prom-client';
import type { OrderOutcome, ScrapeResult } from '../../src/collector/types.js';
import { JOB_STATUSES, type JobDegree, type JobStatus } from '../../src/dms/types.js';
import { METRICS } from '../../src/metrics/catalogue.js';
import type { ExpositionFormat } from '../../src/metrics/exposition.js';

const EXPORTED_STATUSES: readonly JobStatus[] = [...JOB_STATUSES, 'UNKNOWN'];

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
    labelNames: ['order_id', 'name', 'profile', 'tid'],
    registers,
  });
  const errorInfo = new Gauge({ ...METRICS.orderErrorInfo, labelNames: ['order_id', 'code'], registers });

  for (const outcome of result.outcomes) {
    const order_id = String(outcome.order.id);
    const { name, profile, tid } = outcome.order;
    info.set({ order_id, name, profile, tid: tid === undefined ? '' : String(tid) }, 1);
    if (outcome.lastSuccessMs !== undefined) lastSuccess.set({ order_id }, outcome.lastSuccessMs / 1000);
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
  }

  new Gauge({ ...METRICS.scrapeDuration, registers }).set(result.durationMs / 1000);
  new Gauge({ ...METRICS.scrapeTimeout, registers }).set(result.timeoutMs / 1000);
}

function degreeOf(outcome: OrderOutcome): JobDegree | undefined {
  return outcome.answer.kind === 'failed' ? undefined : outcome.answer.degree;
}
