import type { ScrapeResult } from '../collector/types.js';
import { METRICS } from './catalogue.js';
import {
  bodyEnd,
  escapeHelp,
  familySeparator,
  formatValue,
  gaugeHeader,
  type ExpositionFormat,
} from './exposition.js';
import { ORDER_FAMILIES } from './order-lines.js';
import { createOrderTextCache, type OrderText } from './order-text.js';
import type { SelfMetrics } from './self-metrics.js';

const FAMILY_HEADERS = ORDER_FAMILIES.map((family) => gaugeHeader(family.metric));

export interface ScrapeRenderer {
  /** One scrape's body, UTF-8: its orders and scrape gauges, then the exporter's own metrics. */
  render(result: ScrapeResult, format: ExpositionFormat): Promise<Buffer>;
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
      const texts = cache.textsFor(result.outcomes);
      const separator = familySeparator(format);
      const registry = self.registryFor(format);
      // prom-client ends even an empty registry with its body end, but joins families with a separator.
      const selfText =
        registry.getMetricsAsArray().length === 0 ? bodyEnd(format) : separator + (await registry.metrics());
      const scrapeGauges =
        scalarGauge(METRICS.scrapeDuration, result.durationMs / 1000) +
        separator +
        scalarGauge(METRICS.scrapeTimeout, result.timeoutMs / 1000);
      return writeBody(texts, separator, scrapeGauges + selfText);
    },
  };
}

/**
 * The order families (a family without series still gets its HELP and TYPE lines, as in
 * prom-client), then `rest`. Written straight into one buffer of the size the cached byte counts
 * add up to: joining 11 MB of text into a string and encoding it again cost more than the rest of
 * the render.
 */
function writeBody(texts: readonly OrderText[], separator: string, rest: string): Buffer {
  let size = Buffer.byteLength(rest);
  FAMILY_HEADERS.forEach((header, family) => {
    size += Buffer.byteLength(header) + Buffer.byteLength(separator);
    for (const text of texts) size += text.bytes[family] ?? 0;
  });
  const body = Buffer.allocUnsafe(size);
  let at = 0;
  FAMILY_HEADERS.forEach((header, family) => {
    at += body.write(header, at);
    for (const text of texts) if (text.bytes[family]) at += body.write(text.lines[family] ?? '', at);
    at += body.write(separator, at);
  });
  at += body.write(rest, at);
  // A mismatch would mean a cached size that is not its text's: never serve a cut body.
  if (at !== size) throw new Error(`metrics body: wrote ${at} bytes, expected ${size}`);
  return body;
}

function scalarGauge(metric: { readonly name: string; readonly help: string }, value: number): string {
  return `${gaugeHeader(metric)}\n${escapeHelp(metric.name)} ${formatValue(value)}`;
}
