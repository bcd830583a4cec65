import type Koa from 'koa';
import type { RuntimeStore } from '../runtime.js';
import { scrapeTimeoutMs } from './deadline.js';
import { negotiateExposition } from './negotiate.js';

/**
 * HEAD /metrics answers the status a GET would (200, or 400 for a malformed scrape-timeout header)
 * without collecting. koa-router runs a GET route for HEAD too, so without this a `curl -I` or an
 * uptime probe would cost a DMS call per order and throw the body away. Headers that depend on the
 * body (length, encoding) are not sent; the content type is the one a GET would get. Kept apart from the GET route so each can change alone.
 */
export function headMetrics(store: RuntimeStore): Koa.Middleware {
  return (ctx, next) => {
    if (ctx.method !== 'HEAD' || ctx.path !== '/metrics') return next();
    const header = ctx.get('X-Prometheus-Scrape-Timeout-Seconds');
    const deadline = scrapeTimeoutMs(header, store.current().target.settings);
    ctx.status = deadline.ok ? 200 : 400;
    ctx.type = deadline.ok ? negotiateExposition(ctx.get('Accept')).contentType : 'text/plain; charset=utf-8';
  };
}
