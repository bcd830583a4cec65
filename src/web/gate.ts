import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../util/clock.js';
import { createPasswordChecker, parseBasicAuth, type PasswordChecker } from './basic-auth.js';
import { createRefusals, send, type Refusals } from './refusal.js';
import { createRateLimiter, sameRateLimit, type RateLimit, type RateLimiter } from './rate-limit.js';
import type { WebSettings } from './schema.js';
import { throttledWarning } from './throttled-log.js';

// What every request passes before the exporter's routes: the extra headers, then rate_limit and
// basic auth. A user whose credentials were verified before is let in at once: no bcrypt, no queue,
// no token taken from rate_limit, so nothing an attacker sends can hold a working scraper back.
// Everything else takes a token (when rate_limit is set) and, with credentials, a check in the
// password pool; when the pool's queue is full it is refused with 429 (refusal.ts).

export interface Gate {
  /** Whether the request may go on; if not, its answer has been sent. */
  admit(settings: WebSettings, req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  close(): Promise<void>;
}

type Refusal = 'no_credentials' | 'wrong_credentials' | 'checks_busy' | 'rate_limited';

export interface GateOptions {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly checker?: PasswordChecker;
  readonly refusals?: Refusals;
}

export function createGate(options: GateOptions): Gate {
  const { logger, clock, checker = createPasswordChecker(), refusals = createRefusals() } = options;
  const refused = throttledWarning(logger, clock, 'requests refused by basic auth or rate_limit');
  let limit: RateLimit | undefined;
  let limiter: RateLimiter | undefined;
  /** A token from rate_limit's bucket; a changed rate_limit starts a new, full bucket. */
  const takeToken = (settings: WebSettings): boolean => {
    if (!sameRateLimit(limit, settings.rateLimit)) {
      limit = settings.rateLimit;
      limiter = limit && createRateLimiter(limit, clock);
    }
    return limiter?.() ?? true;
  };
  const refuse = (res: ServerResponse, reason: Refusal, remote: string | undefined): false => {
    refused(reason, { remote });
    // 429, not 401: the credentials were not judged, and a client told 401 would think them wrong.
    if (reason === 'checks_busy' || reason === 'rate_limited') refusals.tooManyRequests(res);
    else refusals.unauthorized(res);
    return false;
  };

  return {
    async admit(settings, req, res) {
      for (const [name, value] of settings.headers) res.setHeader(name, value);
      const remote = req.socket.remoteAddress;
      const { users } = settings;
      const given = users.size > 0 ? parseBasicAuth(req.headers.authorization) : undefined;
      if (given !== undefined && checker.verified(users, given)) return true;
      if (!takeToken(settings)) return refuse(res, 'rate_limited', remote);
      if (users.size === 0) return true;
      if (given === undefined) return refuse(res, 'no_credentials', remote);
      const result = await checker.check(users, given);
      if (result.kind === 'valid') return true;
      if (result.kind === 'invalid') return refuse(res, 'wrong_credentials', remote);
      if (result.kind === 'busy') return refuse(res, 'checks_busy', remote);
      logger.error({ reason: result.reason }, 'basic auth check failed');
      send(res, 500, 'Internal Server Error\n');
      return false;
    },
    close: () => checker.close(),
  };
}
