import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { Config } from '../config/schema.js';
import { alibabaClientFactory } from '../exporter.js';
import type { BuildInfo } from '../metrics/self-metrics.js';
import { systemClock, type Clock } from '../util/clock.js';
import { checkProfiles } from './calls.js';
import { assessProfile } from './findings.js';
import type { CheckReport } from './report.js';

// --dms.check: every profile of a valid configuration asks DMS what the exporter will ask, with the
// exporter's own clients, and the answers become a report (render.ts prints it).

export interface DmsCheckOptions {
  readonly build: BuildInfo;
  /** Where the clients log (a proxy in use, an unreadable secret file). */
  readonly logger: Logger;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read, as by the exporter. */
  readonly env: Env;
  readonly clock?: Clock;
}

export async function checkDms(config: Config, options: DmsCheckOptions): Promise<CheckReport> {
  const { build, logger, env } = options;
  const facts = await checkProfiles(config, {
    makeClient: (profile, onExchange) =>
      alibabaClientFactory({ build, logger, env, onExchange })(profile, config.scrape.concurrency),
    env,
    clock: options.clock ?? systemClock,
  });
  return { profiles: facts.map(assessProfile) };
}
