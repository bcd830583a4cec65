import { utcFromDateTimeFields } from 'yaml-files';
import type { GatewayError } from './errors.js';
import { gatewayError } from './errors.js';

// Timestamp and nonce rules of docs/dms-api.md §4 "Nonce and timestamp rules".

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** The gateway is said to keep nonces 31 minutes (community answer), a little over twice the skew. */
export const NONCE_RETENTION_MS = 31 * 60 * 1000;

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Milliseconds since the epoch for `YYYY-MM-DDTHH:MM:SSZ`, or undefined when malformed or impossible. */
export function parseTimestamp(text: string): number | undefined {
  return utcFromDateTimeFields(TIMESTAMP.exec(text));
}

/** InvalidTimeStamp.Format / .Expired, or undefined when the time is within ±15 minutes of `nowMs`. */
export function timestampProblem(text: string, nowMs: number): GatewayError | undefined {
  const ms = parseTimestamp(text);
  if (ms === undefined) return gatewayError('InvalidTimeStamp.Format');
  if (Math.abs(nowMs - ms) > MAX_CLOCK_SKEW_MS) return gatewayError('InvalidTimeStamp.Expired');
  return undefined;
}

/**
 * Nonces seen in the last 31 minutes, platform-wide (not per key, as the gateway is said to do).
 * Entries go in time order, so expired ones are always at the front of the Map and pruning is cheap.
 */
export class NonceStore {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly retentionMs = NONCE_RETENTION_MS,
    /** A hard cap on memory; the oldest nonces are forgotten first (they are the least replayable). */
    private readonly maxEntries = 500_000,
  ) {}

  /** True when `nonce` is fresh (and now remembered); false for a replay. */
  remember(nonce: string, nowMs: number): boolean {
    this.prune(nowMs);
    const expiry = this.seen.get(nonce);
    if (expiry !== undefined && expiry > nowMs) return false;
    this.seen.delete(nonce);
    this.seen.set(nonce, nowMs + this.retentionMs);
    if (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next();
      if (oldest.done !== true) this.seen.delete(oldest.value);
    }
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(nowMs: number): void {
    for (const [nonce, expiry] of this.seen) {
      if (expiry > nowMs) return;
      this.seen.delete(nonce);
    }
  }
}
