import type { Logger } from 'pino';
import type { Config, Profile } from '../config/schema.js';
import type { CallRecorder } from '../dms/gated-call.js';
import type { TrackedOrder } from '../orders.js';
import type { Clock } from '../util/clock.js';
import { Discoverer, type DiscoveryRecorder, type ProfileAccess } from './discoverer.js';

export interface DiscoveryServiceDeps {
  readonly clock: Clock;
  readonly api: CallRecorder;
  readonly recorder: DiscoveryRecorder;
  readonly logger: Logger;
}

/**
 * Every profile's discovery, kept across reloads: a profile whose discovery settings did not change
 * keeps its list and its timer (a reload must not empty the list or cost a burst of ListOrders); a
 * new or changed one starts at once; a removed one stops, and its tickets vanish.
 */
export class DiscoveryService {
  readonly #running = new Map<string, { key: string; discoverer: Discoverer }>();
  #access: (profile: string) => ProfileAccess = () => {
    throw new Error('discovery has no configuration yet');
  };
  #orders: readonly TrackedOrder[] = [];

  constructor(private readonly deps: DiscoveryServiceDeps) {}

  /** All discovered orders, one array until something changes (so callers can cache on identity). */
  get orders(): readonly TrackedOrder[] {
    return this.#orders;
  }

  configure(config: Config, access: (profile: string) => ProfileAccess): void {
    this.#access = access;
    for (const [name, { key, discoverer }] of this.#running) {
      const profile = config.profiles.get(name);
      if (profile?.discovery === undefined || key !== keyOf(profile)) {
        discoverer.stop();
        this.#running.delete(name);
        this.deps.recorder.discoveryStopped(name);
      }
    }
    for (const [name, profile] of config.profiles) {
      if (profile.discovery === undefined || this.#running.has(name)) continue;
      const discoverer = new Discoverer({
        profile: name,
        tid: profile.tid,
        consoleUrl: profile.consoleUrl,
        settings: profile.discovery,
        access: () => this.#access(name),
        clock: this.deps.clock,
        api: this.deps.api,
        recorder: this.deps.recorder,
        logger: this.deps.logger,
        onChange: () => this.#collect(),
      });
      this.#running.set(name, { key: keyOf(profile), discoverer });
      discoverer.start();
    }
    this.#collect();
  }

  stop(): void {
    for (const { discoverer } of this.#running.values()) discoverer.stop();
    this.#running.clear();
  }

  #collect(): void {
    this.#orders = [...this.#running.values()].flatMap(({ discoverer }) => discoverer.orders);
  }
}

/** What a discoverer depends on: its settings, and the profile's endpoint, tenant and console link. */
function keyOf({ discovery, endpoint, tid, consoleUrl }: Profile): string {
  return JSON.stringify({
    ...discovery,
    includeComment: discovery?.includeComment?.source,
    excludeComment: discovery?.excludeComment?.source,
    endpoint,
    tid,
    consoleUrl,
  });
}
