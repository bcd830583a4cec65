import type { Clock } from '../util/clock.js';

// The exporter-toolkit's `rate_limit` (docs/web-configuration.md there): a token bucket, `burst`
// tokens that refill at one per `interval`, and a request that finds it empty is answered 429. The
// keys, units and bucket are the toolkit's (Go's golang.org/x/time/rate, full at start); what it
// counts differs, see server.ts: a request whose credentials were already verified takes no token.
// The keys are read by schema.ts (rateLimitSchema), which the server does not need to load.

/** Go's time.ParseDuration units, in milliseconds (µs: the micro sign; μs: the Greek letter mu). */
const GO_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const GO_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/** The longest duration Go can hold: 2^63-1 nanoseconds (about 292 years). */
const GO_MAX_MS = 9_223_372_036_854.775;

/** Milliseconds of a duration as Go's time.ParseDuration reads it (`1s`, `1.5m`, `100ms`, `1h30m`), or undefined. */
export function parseGoDuration(text: string): number | undefined {
  if (!GO_DURATION.test(text)) return undefined;
  let ms = 0;
  for (const [, amount = '', unit = ''] of text.matchAll(GO_PART))
    ms += Number(amount) * (GO_UNITS[unit] ?? NaN);
  if (!(ms <= GO_MAX_MS)) return undefined;
  return text.startsWith('-') ? -ms : ms;
}

/** A limit in force: burst tokens, one more every intervalMs. */
export interface RateLimit {
  readonly intervalMs: number;
  readonly burst: number;
}

/** Whether the bucket has a token for one more request (and takes it). */
export type RateLimiter = () => boolean;

export function createRateLimiter(limit: RateLimit, clock: Clock): RateLimiter {
  let tokens = limit.burst;
  let last = clock.now();
  return () => {
    const now = clock.now();
    tokens = Math.min(limit.burst, tokens + Math.max(0, now - last) / limit.intervalMs);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

export const sameRateLimit = (a: RateLimit | undefined, b: RateLimit | undefined): boolean =>
  a?.intervalMs === b?.intervalMs && a?.burst === b?.burst;
