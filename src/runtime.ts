import type { Logger } from 'pino';
import type { ScrapeTarget } from './collector/collector.js';
import { createLimiter } from './collector/limiter.js';
import type { Config, Profile } from './config/types.js';
import type { DmsClient } from './dms/types.js';

export type ClientFactory = (profile: Profile) => DmsClient;

/** The configuration in force and everything built from it, replaced as a whole on reload. */
export interface Runtime {
  readonly config: Config;
  readonly target: ScrapeTarget;
}

export function buildRuntime(config: Config, makeClient: ClientFactory): Runtime {
  const clients = new Map<string, DmsClient>();
  for (const [name, profile] of config.profiles) clients.set(name, makeClient(profile));
  return {
    config,
    target: {
      orders: config.orders,
      settings: config.scrape,
      limiter: createLimiter(config.scrape.concurrency),
      clientFor(profile) {
        const client = clients.get(profile);
        // Config validation guarantees every order's profile exists; reaching this is our bug.
        if (client === undefined) throw new Error(`no DMS client for profile "${profile}"`);
        return client;
      },
    },
  };
}

export type ConfigSource = () => Promise<
  { ok: true; config: Config } | { ok: false; errors: readonly string[] }
>;

export interface RuntimeStore {
  current(): Runtime;
  /** Loads the config again; swaps only when it is valid, else keeps the old one and says why. */
  reload(): Promise<{ ok: true } | { ok: false; errors: readonly string[] }>;
}

export function createRuntimeStore(
  initial: Runtime,
  load: ConfigSource,
  makeClient: ClientFactory,
  onLoaded: (success: boolean) => void,
  logger: Logger,
): RuntimeStore {
  let runtime = initial;
  let reloading: Promise<{ ok: true } | { ok: false; errors: readonly string[] }> | undefined;

  const reloadOnce = async (): Promise<{ ok: true } | { ok: false; errors: readonly string[] }> => {
    let next: Runtime;
    try {
      const loaded = await load();
      if (!loaded.ok) return failed(loaded.errors);
      next = buildRuntime(loaded.config, makeClient);
    } catch (err) {
      // Only a bug of ours lands here; a reload (from SIGHUP, with nobody awaiting it) must not crash.
      return failed([`internal error while reloading: ${err instanceof Error ? err.message : String(err)}`]);
    }
    runtime = next;
    onLoaded(true);
    logger.info({ orders: next.config.orders.length }, 'config reloaded');
    return { ok: true };
  };

  const failed = (errors: readonly string[]): { ok: false; errors: readonly string[] } => {
    onLoaded(false);
    logger.error({ errors }, 'config reload failed; keeping the previous configuration');
    return { ok: false, errors };
  };

  return {
    current: () => runtime,
    reload() {
      // SIGHUP and POST /-/reload at once must not interleave two loads.
      reloading ??= reloadOnce().finally(() => (reloading = undefined));
      return reloading;
    },
  };
}
