import type { ScrapeSettings } from '../config/types.js';

export type DeadlineResult = { ok: true; timeoutMs: number } | { ok: false; error: string };

/**
 * The time budget for one scrape's DMS fan-out: Prometheus' X-Prometheus-Scrape-Timeout-Seconds
 * minus the offset (so the answer is rendered and sent before Prometheus gives up), capped by
 * `scrape.timeout`. Without the header, `scrape.timeout` alone. A malformed header is the caller's
 * mistake, so it is an error (HTTP 400), as in blackbox_exporter.
 */
export function scrapeTimeoutMs(header: string | undefined, settings: ScrapeSettings): DeadlineResult {
  if (header === undefined || header === '') return { ok: true, timeoutMs: settings.timeoutMs };
  const seconds = Number(header);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    return {
      ok: false,
      error: `invalid X-Prometheus-Scrape-Timeout-Seconds header: "${header.slice(0, 40)}"`,
    };
  }
  const headerMs = seconds * 1000;
  // An offset larger than the whole budget would leave nothing: then use the header's value as is.
  const budget = headerMs > settings.timeoutOffsetMs ? headerMs - settings.timeoutOffsetMs : headerMs;
  return { ok: true, timeoutMs: Math.min(budget, settings.timeoutMs) };
}
