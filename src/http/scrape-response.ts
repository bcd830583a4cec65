import type Koa from 'koa';
import type { Collector, ScrapeTarget } from '../collector/collector.js';
import type { ScrapeRenderer } from '../metrics/render.js';
import { setCompressibleBody } from './compress.js';
import { scrapeTimeoutMs } from './deadline.js';
import { negotiateExposition } from './negotiate.js';

/**
 * Answers one scrape of `target` (all of /metrics, or the one order of /probe): the deadline from
 * Prometheus' timeout header (400 when it is not a number of seconds), the format from `Accept`,
 * the body gzipped when the client takes it.
 */
export async function answerScrape(
  ctx: Koa.Context,
  target: ScrapeTarget,
  collector: Collector,
  renderer: ScrapeRenderer,
): Promise<void> {
  const deadline = scrapeTimeoutMs(ctx.get('X-Prometheus-Scrape-Timeout-Seconds'), target.settings);
  if (!deadline.ok) {
    ctx.status = 400;
    ctx.body = `${deadline.error}\n`;
    return;
  }
  // Prometheus asks for OpenMetrics first; curl's */* gets the classic text format.
  const exposition = negotiateExposition(ctx.get('Accept'));
  const result = await collector.collect(target, deadline.value);
  ctx.vary('Accept');
  ctx.type = exposition.contentType;
  await setCompressibleBody(ctx, await renderer.render(result, exposition.format));
}
