import { err, ok, type Result } from 'yaml-files/basics';
import { ALWAYS_SPENT_SHARE } from '../config/constants.js';
import type { ScrapeSettings } from '../config/schema.js';

// Plain decimal seconds, as Prometheus writes them: no hex, exponent, sign or Infinity.
const DECIMAL_SECONDS = /^\d{1,9}(?:\.\d{1,9})?$/;

/**
 * The time budget (ms) for one scrape's DMS fan-out from Prometheus' X-Prometheus-Scrape-Timeout-Seconds:
 *
 *   budget = min(scrape.timeout, max(header - scrape.timeout_offset, header × ALWAYS_SPENT_SHARE))
 *
 * The offset leaves time to render and send the answer before Prometheus gives up. The share keeps
 * a small timeout usable: with the default offset (0.5 s), a header of 1 s or less gives half of
 * it. blackbox_exporter takes the header minus the offset and, when that is negative, its module's
 * whole timeout (prober/handler.go), so its budget jumps at the offset; taking the header as is
 * below the offset would jump the other way (0.5 s giving 0.5 s, 0.6 s giving 0.1 s). This rule is
 * continuous and never decreases as the header grows: a longer timeout never buys a shorter budget.
 * Without the header, `scrape.timeout` alone.
 *
 * A malformed header is the caller's mistake, so it is an error the app answers with HTTP 400.
 * blackbox_exporter answers 500 there ("Failed to parse timeout from Prometheus header"); we keep 5xx
 * for our own bugs, so a bad header is not counted as the exporter failing. It also takes anything
 * Go's ParseFloat reads (hex, exponents); we take plain decimals only, as Prometheus writes them.
 */
export function scrapeTimeoutMs(
  header: string | undefined,
  settings: ScrapeSettings,
): Result<number, string> {
  if (header === undefined || header === '') return ok(settings.timeoutMs);
  const seconds = DECIMAL_SECONDS.test(header) ? Number(header) : NaN;
  if (!(seconds > 0)) {
    return err(
      `invalid X-Prometheus-Scrape-Timeout-Seconds header "${header.slice(0, 40)}": send a positive number of seconds such as 10 or 9.5, or leave the header out for scrape.timeout`,
    );
  }
  const headerMs = seconds * 1000;
  const budget = Math.max(headerMs - settings.timeoutOffsetMs, headerMs * ALWAYS_SPENT_SHARE);
  return ok(Math.min(budget, settings.timeoutMs));
}
