import type Koa from 'koa';
import type { Collector, ScrapeTarget } from '../collector/collector.js';
import type { ScrapeRenderer } from '../metrics/render.js';
import { setCompressibleBody } from './compress.js';
import { scrapeTimeoutMs } from './deadline.js';
import { negotiateExposition } from './negotiate.js';

/**
 * Answers one scrape of `target` (all of /metrics, or the one order of /probe): the deadline from
 * Prometheus' timeout header (400 when it is not a number of seconds), the format from `Accept`,
 * the body gzipped when the client takes it. HEAD answers without collecting. Resolves to whether
 * it collected (asked the collector), for the landing page's account of scrapes.
 */
export async function answerScrape(
  ctx: Koa.Context,
  target: ScrapeTarget,
  collector: Collector,
  renderer: ScrapeRenderer,
): Promise<boolean> {
  const deadline = scrapeTimeoutMs(ctx.get('X-Prometheus-Scrape-Timeout-Seconds'), target.settings);
  if (!deadline.ok) {
    ctx.status = 400;
    ctx.body = `${deadline.error}\n`;
    return false;
  }
  // Prometheus asks for OpenMetrics first; curl's */* gets the classic text format.
  const exposition = negotiateExposition(ctx.get('Accept'));
  ctx.vary('Accept');
  ctx.type = exposition.contentType;
  // The router runs GET routes for HEAD too: a `curl -I` or an uptime probe gets the status and type
  // a GET would, without costing a DMS call per order. Body-dependent headers are not sent.
  if (ctx.method === 'HEAD') {
    ctx.status = 200;
    return false;
  }
  const result = await collector.collect(target, deadline.value);
  await setCompressibleBody(ctx, await renderer.render(result, exposition.format));
  return true;
}
