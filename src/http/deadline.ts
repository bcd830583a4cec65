import { err, ok, type Result } from 'yaml-files';
import type { ScrapeSettings } from '../config/schema.js';

// Plain decimal seconds, as Prometheus writes them: no hex, exponent, sign or Infinity.
const DECIMAL_SECONDS = /^\d{1,9}(?:\.\d{1,9})?$/;

/**
 * The time budget (ms) for one scrape's DMS fan-out: Prometheus' X-Prometheus-Scrape-Timeout-Seconds
 * minus the offset (so the answer is rendered and sent before Prometheus gives up), capped by
 * `scrape.timeout`. Without the header, `scrape.timeout` alone. A malformed header is the caller's
 * mistake, so it is an error the app answers with HTTP 400. blackbox_exporter answers 500 there
 * (its prober/handler.go, "Failed to parse timeout from Prometheus header"); we keep 5xx for our own
 * bugs, so a bad header is not counted as the exporter failing. It also takes anything Go's
 * ParseFloat reads (hex, exponents); we take plain decimals only, as Prometheus writes them.
 */
export function scrapeTimeoutMs(
  header: string | undefined,
  settings: ScrapeSettings,
): Result<number, string> {
  if (header === undefined || header === '') return ok(settings.timeoutMs);
  const seconds = DECIMAL_SECONDS.test(header) ? Number(header) : NaN;
  if (!(seconds > 0)) {
    return err(`invalid X-Prometheus-Scrape-Timeout-Seconds header: "${header.slice(0, 40)}"`);
  }
  const headerMs = seconds * 1000;
  // An offset larger than the whole budget would leave nothing: then use the header's value as is.
  const budget = headerMs > settings.timeoutOffsetMs ? headerMs - settings.timeoutOffsetMs : headerMs;
  return ok(Math.min(budget, settings.timeoutMs));
}
