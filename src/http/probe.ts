import type Koa from 'koa';
import type { Collector } from '../collector/collector.js';
import { consoleUrlOf } from '../config/console-url.js';
import type { TrackedOrder } from '../orders.js';
import type { ScrapeRenderer } from '../metrics/render.js';
import type { RuntimeStore } from '../runtime.js';
import { answerScrape } from './scrape-response.js';

// Blackbox style, for sharding orders over several Prometheus servers: /sd lists the orders for
// http_sd_configs, /probe?target=ID exports one of them. A probe shares the collector (memory,
// in-flight calls, rate limits, concurrency) with /metrics, so it costs what /metrics would.

const ORDER_ID = /^[1-9]\d{0,15}$/;

/** GET /sd: every followed order as a Prometheus http_sd target, labelled with its id and profile. */
export function serviceDiscovery(store: RuntimeStore): Koa.Middleware {
  return (ctx) => {
    const groups = store.current().target.orders.map((order) => ({
      targets: [String(order.id)],
      labels: { order_id: String(order.id), profile: order.profile },
    }));
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(groups);
  };
}

export interface ProbeDeps {
  readonly store: RuntimeStore;
  readonly collector: Collector;
  /** A renderer without the exporter's own metrics (those are on /metrics and /exporter-metrics). */
  readonly renderer: ScrapeRenderer;
}

/** GET /probe?target=ID[&profile=NAME]: one order's series, in the same names as /metrics. */
export function probe(deps: ProbeDeps): Koa.Middleware {
  const unknown = new UnknownOrders();
  return async (ctx) => {
    const runtime = deps.store.current();
    const { target } = runtime;
    const id =
      typeof ctx.query.target === 'string' && ORDER_ID.test(ctx.query.target)
        ? Number(ctx.query.target)
        : undefined;
    if (id === undefined || !Number.isSafeInteger(id)) {
      ctx.status = 400;
      ctx.body = 'target must be one order id (a positive whole number)\n';
      return;
    }
    const profile = typeof ctx.query.profile === 'string' ? ctx.query.profile : 'default';
    const order =
      runtime.findOrder(id) ??
      unknown.admit(id, profile, runtime.config, (gone) => {
        // Unless a reload has made it a followed order meanwhile.
        if (runtime.findOrder(gone.id) === undefined) deps.collector.forget([gone]);
      });
    if (order === undefined) {
      ctx.status = 404;
      ctx.body = `order ${id} is not one this exporter follows (scrape.probe_unknown_orders allows others)\n`;
      return;
    }
    // The population stays whole, so probing one order keeps the others' memory.
    await answerScrape(ctx, { ...target, orders: [order] }, deps.collector, deps.renderer);
  };
}

/**
 * Orders probed by id that the exporter does not follow, when scrape.probe_unknown_orders allows
 * them: at most that many, the least recently probed forgotten first, so a caller can neither grow
 * the exporter's memory nor the label cardinality without bound.
 */
class UnknownOrders {
  readonly #orders = new Map<string, TrackedOrder>();

  admit(
    id: number,
    profile: string,
    config: {
      scrape: { probeUnknownOrders: number };
      profiles: ReadonlyMap<string, { tid: number | undefined; consoleUrl: string | undefined }>;
    },
    onEvicted: (order: TrackedOrder) => void,
  ): TrackedOrder | undefined {
    const cap = config.scrape.probeUnknownOrders;
    const known = config.profiles.get(profile);
    if (cap === 0 || known === undefined) return undefined;
    const key = `${profile}\u0000${id}`;
    const order = this.#orders.get(key) ?? {
      id,
      name: '',
      profile,
      tid: known.tid,
      consoleUrl: consoleUrlOf(known.consoleUrl, id),
      source: 'probe' as const,
    };
    this.#orders.delete(key);
    this.#orders.set(key, order);
    for (const [oldest, evicted] of this.#orders) {
      if (this.#orders.size <= cap) break;
      this.#orders.delete(oldest);
      onEvicted(evicted);
    }
    return order;
  }
}
