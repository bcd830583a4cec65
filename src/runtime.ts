import type { Logger } from 'pino';
import { err, ok, type Result } from 'yaml-files/basics';
import type { ScrapeTarget } from './collector/collector.js';
import type { Config, Profile } from './config/schema.js';
import { createAdmission, type Admission } from './dms/gates.js';
import type { DmsClient } from './dms/types.js';
import { configured, type TrackedOrder } from './orders.js';
import type { Clock } from './util/clock.js';

/** A profile's DMS client; `connections`: the calls in flight at once (`scrape.concurrency`). */
export type ClientFactory = (profile: Profile, connections: number) => DmsClient;

/** Where configurations come from: a file (read in a worker), or text in tests and the demo. */
export type ConfigSource = () => Promise<Result<Config, readonly string[]>>;

/** The configuration in force and everything built from it, replaced as a whole on reload. */
export interface Runtime {
  readonly config: Config;
  readonly target: ScrapeTarget;
  /** A followed order by id (configured, or discovered), for /probe. */
  findOrder(id: number): TrackedOrder | undefined;
}

export interface RuntimeStore {
  current(): Runtime;
  /** Loads the config again; swaps only when it is valid, else keeps the old one and says why. */
  reload(): Promise<Result<undefined, readonly string[]>>;
}

export interface RuntimeStoreDeps {
  readonly source: ConfigSource;
  readonly makeClient: ClientFactory;
  /** Told about every load, first one included: feeds config_last_reload_successful. */
  readonly onLoaded: (success: boolean) => void;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Orders found by ticket discovery; they join the configured ones (the config wins a conflict). */
  readonly discovered: () => readonly TrackedOrder[];
  /** Told about each runtime put in force, the first one included. */
  readonly onRuntime: (runtime: Runtime) => void;
}

/** Loads the first configuration; without a valid one there is no store (the exporter does not start). */
export async function openRuntimeStore(
  deps: RuntimeStoreDeps,
): Promise<Result<RuntimeStore, readonly string[]>> {
  const first = await deps.source();
  if (!first.ok) return first;
  // Rate limits and the concurrency bound outlive reloads (see Admission).
  const admission = createAdmission(deps.clock, first.value.scrape.concurrency);
  const build = (config: Config): Runtime => {
    const limits = new Map([...config.profiles].map(([name, profile]) => [name, profile.rateLimit]));
    admission.follow(limits, config.scrape.concurrency);
    return buildRuntime(config, deps.makeClient, admission, deps.discovered);
  };
  let runtime = build(first.value);
  deps.onRuntime(runtime);
  deps.onLoaded(true);
  let reloading: Promise<Result<undefined, readonly string[]>> | undefined;

  const failed = (errors: readonly string[]): Result<undefined, readonly string[]> => {
    deps.onLoaded(false);
    deps.logger.error({ errors }, 'config reload failed; keeping the previous configuration');
    return err(errors);
  };

  const reloadOnce = async (): Promise<Result<undefined, readonly string[]>> => {
    try {
      const loaded = await deps.source();
      if (!loaded.ok) return failed(loaded.error);
      runtime = build(loaded.value);
      deps.onRuntime(runtime);
    } catch (error) {
      // Only a bug of ours lands here; a reload (from SIGHUP, with nobody awaiting it) must not crash.
      return failed([
        `internal error while reloading: ${error instanceof Error ? error.message : String(error)}`,
      ]);
    }
    deps.onLoaded(true);
    deps.logger.info({ orders: runtime.config.orders.length }, 'config reloaded');
    return ok(undefined);
  };

  return ok({
    current: () => runtime,
    reload() {
      // SIGHUP and POST /-/reload at once must not interleave two loads.
      reloading ??= reloadOnce().finally(() => (reloading = undefined));
      return reloading;
    },
  });
}

function buildRuntime(
  config: Config,
  makeClient: ClientFactory,
  admission: Admission,
  discovered: () => readonly TrackedOrder[],
): Runtime {
  const clients = new Map<string, DmsClient>();
  for (const [name, profile] of config.profiles)
    clients.set(name, makeClient(profile, config.scrape.concurrency));
  const orders = mergedOrders(config.orders.map(configured), discovered);
  let indexed: readonly TrackedOrder[] | undefined;
  let byId = new Map<number, TrackedOrder>();
  return {
    config,
    findOrder(id) {
      const current = orders();
      if (current !== indexed) {
        indexed = current;
        byId = new Map(current.map((o) => [o.id, o]));
      }
      return byId.get(id);
    },
    target: {
      get orders() {
        return orders();
      },
      get population() {
        return orders();
      },
      settings: config.scrape,
      slots: admission.slots,
      clientFor(profile) {
        const client = clients.get(profile);
        // Config validation guarantees every order's profile exists; reaching this is our bug.
        if (client === undefined) throw new Error(`no DMS client for profile "${profile}"`);
        return client;
      },
      bucketFor: (profile) => admission.bucketFor(profile),
    },
  };
}

/**
 * The configured orders followed by the discovered ones the config does not name, rebuilt only when
 * discovery hands over a new list (scrapes read it on every request).
 */
function mergedOrders(
  configuredOrders: readonly TrackedOrder[],
  discovered: () => readonly TrackedOrder[],
): () => readonly TrackedOrder[] {
  const ids = new Set(configuredOrders.map((o) => o.id));
  let seen: readonly TrackedOrder[] | undefined;
  let merged = configuredOrders;
  return () => {
    const latest = discovered();
    if (latest !== seen) {
      seen = latest;
      merged =
        latest.length === 0
          ? configuredOrders
          : [...configuredOrders, ...latest.filter((o) => !ids.has(o.id))];
    }
    return merged;
  };
}
