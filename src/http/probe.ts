import type Koa from 'koa';
import { err, ok, type Result } from 'yaml-files/basics';
import { DEFAULT_PROFILE_NAME } from '../config/constants.js';
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
  /** Told after each probe that asked the collector (for the landing page). */
  readonly onProbed: () => void;
}

/** GET /probe?target=ID[&profile=NAME]: one order's series, in the same names as /metrics. */
export function probe(deps: ProbeDeps): Koa.Middleware {
  const unknown = new UnknownOrders();
  return async (ctx) => {
    const runtime = deps.store.current();
    const { config, target } = runtime;
    const request = readProbeQuery(ctx.query, config.profiles);
    if (!request.ok) return refuse(ctx, 400, request.error);
    const { id, profile } = request.value;
    const followed = runtime.findOrder(id);
    if (followed === undefined && config.scrape.probeUnknownOrders === 0) {
      return refuse(
        ctx,
        404,
        `order ${id} is not one this exporter follows: add it to the configuration's orders (or let discovery find it), or set scrape.probe_unknown_orders to probe orders it does not follow`,
      );
    }
    if (followed === undefined && profile === undefined) {
      return refuse(
        ctx,
        400,
        `order ${id} is not one this exporter follows, and there is no profile "${DEFAULT_PROFILE_NAME}" to ask DMS with: add profile=NAME, one of ${names(config.profiles)}`,
      );
    }
    const order =
      followed ??
      unknown.admit(id, profile ?? DEFAULT_PROFILE_NAME, config, (gone) => {
        // Unless a reload has made it a followed order meanwhile.
        if (runtime.findOrder(gone.id) === undefined) deps.collector.forget([gone]);
      });
    // The population stays whole, so probing one order keeps the others' memory.
    if (await answerScrape(ctx, { ...target, orders: [order] }, deps.collector, deps.renderer))
      deps.onProbed();
  };
}

function refuse(ctx: Koa.Context, status: 400 | 404, message: string): void {
  ctx.status = status;
  ctx.body = `${message}\n`;
}

const EXAMPLE = '/probe?target=3212345';

/**
 * The order id and the profile a probe names. Each refusal says what to send instead. The profile
 * is undefined when the query has none and there is no `default` profile for it to stand for.
 */
function readProbeQuery(
  query: Koa.Context['query'],
  profiles: ReadonlyMap<string, unknown>,
): Result<{ id: number; profile: string | undefined }, string> {
  const { target, profile } = query;
  if (target === undefined) return err(`target is missing: give one order id, as in ${EXAMPLE}`);
  if (Array.isArray(target))
    return err(`target is given ${target.length} times: give one order id, as in ${EXAMPLE}`);
  if (!ORDER_ID.test(target) || !Number.isSafeInteger(Number(target))) {
    const shown = JSON.stringify(target.slice(0, 40));
    return err(
      `target ${shown} is not an order id: give a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, as in ${EXAMPLE}`,
    );
  }
  if (Array.isArray(profile)) return err(`profile is given ${profile.length} times: give one profile name`);
  if (profile !== undefined && !profiles.has(profile)) {
    const shown = JSON.stringify(profile.slice(0, 64));
    return err(`profile ${shown} is not defined: give one of ${names(profiles)}`);
  }
  const named = profile ?? (profiles.has(DEFAULT_PROFILE_NAME) ? DEFAULT_PROFILE_NAME : undefined);
  return ok({ id: Number(target), profile: named });
}

function names(profiles: ReadonlyMap<string, unknown>): string {
  return [...profiles.keys()].join(', ');
}

/**
 * Orders probed by id that the exporter does not follow, when scrape.probe_unknown_orders allows
 * them (more than 0; the caller checks it, and that the profile is defined): at most that many, the
 * least recently probed forgotten first, so a caller can neither grow the exporter's memory nor the
 * label cardinality without bound.
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
  ): TrackedOrder {
    const cap = config.scrape.probeUnknownOrders;
    const key = `${profile}\u0000${id}`;
    const known = config.profiles.get(profile);
    const order = this.#orders.get(key) ?? {
      id,
      name: '',
      profile,
      tid: known?.tid,
      consoleUrl: consoleUrlOf(known?.consoleUrl, id),
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
