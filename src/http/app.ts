import Koa from 'koa';
import { Router } from '@koa/router';
import type { Logger } from 'pino';
import { Registry, type RegistryContentType } from 'prom-client';
import type { Collector } from '../collector/collector.js';
import { createScrapeRenderer } from '../metrics/render.js';
import type { SelfMetrics } from '../metrics/self-metrics.js';
import type { RuntimeStore } from '../runtime.js';
import type { Clock } from '../util/clock.js';
import { lifecycleGuard } from '../web/lifecycle.js';
import { setCompressibleBody } from './compress.js';
import { renderLandingPage } from './landing.js';
import { negotiateExposition } from './negotiate.js';
import { probe, serviceDiscovery } from './probe.js';
import { ScrapeLog } from './scrape-log.js';
import { answerScrape } from './scrape-response.js';

export interface AppDeps {
  readonly store: RuntimeStore;
  readonly collector: Collector;
  readonly selfMetrics: Pick<SelfMetrics, 'registryFor'>;
  readonly logger: Logger;
  readonly version: string;
  readonly clock: Clock;
  /** Whether POST /-/reload may be used (--web.enable-lifecycle); SIGHUP works either way. */
  readonly enableLifecycle: boolean;
}

const NO_SELF_METRICS = new Registry<RegistryContentType>();

/** @koa/router's default list of the methods it implements. */
const ROUTER_METHODS = ['HEAD', 'OPTIONS', 'GET', 'PUT', 'PATCH', 'POST', 'DELETE'];

/**
 * The HTTP surface. Never listens itself: exporter.ts serves `app.callback()` through web/server.ts
 * (TLS, basic auth, headers) on the address main.ts or a test gives it.
 */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  // Exact paths only: /METRICS and /metrics/ are not the metrics. TRACE counts as a method the
  // router knows, so a known path answers it 405 with Allow (the default list would make it 501).
  const router = new Router({ strict: true, sensitive: true, methods: [...ROUTER_METHODS, 'TRACE'] });
  const renderer = createScrapeRenderer(deps.selfMetrics);

  const scrapes = new ScrapeLog();
  router.get('/metrics', async (ctx) => {
    const { target } = deps.store.current();
    if (await answerScrape(ctx, target, deps.collector, renderer))
      scrapes.record('/metrics', deps.clock.now());
  });

  const probeRenderer = createScrapeRenderer({ registryFor: () => NO_SELF_METRICS });
  const onProbed = (): void => scrapes.record('/probe', deps.clock.now());
  router.get(
    '/probe',
    probe({ store: deps.store, collector: deps.collector, renderer: probeRenderer, onProbed }),
  );
  router.get('/sd', serviceDiscovery(deps.store));

  // The exporter's own metrics alone: for the Prometheus that watches the exporter when /probe
  // spreads the orders over several (prometheus/sharded.yml).
  router.get('/exporter-metrics', async (ctx) => {
    const exposition = negotiateExposition(ctx.get('Accept'));
    ctx.vary('Accept');
    ctx.type = exposition.contentType;
    await setCompressibleBody(
      ctx,
      Buffer.from(await deps.selfMetrics.registryFor(exposition.format).metrics()),
    );
  });

  router.get('/', (ctx) => {
    const { orders } = deps.store.current().target;
    ctx.type = 'text/html; charset=utf-8';
    const entries = deps.collector.lastKnown(orders);
    ctx.body = renderLandingPage(deps.version, entries, scrapes.times(), deps.clock.now());
  });

  router.get('/-/healthy', (ctx) => {
    ctx.body = 'Healthy\n';
  });

  // The app exists only once a valid config is loaded, so being able to answer means ready.
  router.get('/-/ready', (ctx) => {
    ctx.body = 'Ready\n';
  });

  router.post('/-/reload', lifecycleGuard(deps.enableLifecycle), async (ctx) => {
    const result = await deps.store.reload();
    if (result.ok) {
      ctx.body = 'Config reloaded\n';
      return;
    }
    ctx.status = 500;
    ctx.body = `Failed to reload config, keeping the previous one:\n${result.error.join('\n')}\n`;
  });

  app.use(internalErrors(deps.logger));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/** Only a bug of ours reaches here: answer 500 without internals, log the details. */
function internalErrors(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = `${ctx.message}\n`;
        return;
      }
      logger.error({ err, path: ctx.path }, 'request failed');
      ctx.status = 500;
      ctx.body = 'Internal error\n';
    }
  };
}
