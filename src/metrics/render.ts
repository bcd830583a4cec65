import type { ScrapeResult } from '../collector/types.js';
import { METRICS } from './catalogue.js';
import {
  bodyEnd,
  familySeparator,
  formatValue,
  gaugeHeader,
  escapeHelp,
  type ExpositionFormat,
} from './exposition.js';
import { createOrderTextCache, type OrderText } from './order-text.js';
import type { SelfMetrics } from './self-metrics.js';

/** The order families in the order prom-client used to print them (registration order). */
const ORDER_FAMILIES: ReadonlyArray<{ readonly header: string; readonly part: keyof OrderText }> = [
  { header: gaugeHeader(METRICS.up), part: 'up' },
  { header: gaugeHeader(METRICS.stageCompletionRatio), part: 'ratios' },
  { header: gaugeHeader(METRICS.jobStatus), part: 'statuses' },
  { header: gaugeHeader(METRICS.lastSuccessTimestamp), part: 'lastSuccess' },
  { header: gaugeHeader(METRICS.orderInfo), part: 'info' },
  { header: gaugeHeader(METRICS.orderErrorInfo), part: 'error' },
];

export interface ScrapeRenderer {
  /** One scrape's body: its orders and scrape gauges, then the exporter's own metrics. */
  render(result: ScrapeResult, format: ExpositionFormat): Promise<string>;
}

/**
 * Renders scrapes. Only the orders in `result` are written, so an order removed from the config
 * vanishes at once; the text of an order whose answer did not change is reused (order-text.ts).
 * The self metrics stay with prom-client, in the registry kept for the format.
 */
export function createScrapeRenderer(self: Pick<SelfMetrics, 'registryFor'>): ScrapeRenderer {
  const cache = createOrderTextCache();
  return {
    async render(result, format) {
      const orders = renderOrderFamilies(cache.textsFor(result.outcomes), result, format);
      const registry = self.registryFor(format);
      // prom-client ends even an empty registry with its body end, but joins families with a separator.
      if (registry.getMetricsAsArray().length === 0) return orders + bodyEnd(format);
      return orders + familySeparator(format) + (await registry.metrics());
    },
  };
}

/** The order families and the two scrape gauges, as prom-client joins families (no body end). */
function renderOrderFamilies(
  texts: readonly OrderText[],
  result: ScrapeResult,
  format: ExpositionFormat,
): string {
  const separator = familySeparator(format);
  const parts: string[] = [];
  for (const { header, part } of ORDER_FAMILIES) {
    // A family with no series is still printed, HELP and TYPE alone, as prom-client does.
    parts.push(header);
    for (const text of texts) parts.push(text[part]);
    parts.push(separator);
  }
  parts.push(scalarGauge(METRICS.scrapeDuration, result.durationMs / 1000), separator);
  parts.push(scalarGauge(METRICS.scrapeTimeout, result.timeoutMs / 1000));
  return parts.join('');
}

function scalarGauge(metric: { readonly name: string; readonly help: string }, value: number): string {
  return `${gaugeHeader(metric)}\n${escapeHelp(metric.name)} ${formatValue(value)}`;
}
