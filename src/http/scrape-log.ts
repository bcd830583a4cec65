/** One scrape that asked the collector (a GET of /metrics or /probe that was not refused). */
export interface ScrapeSeen {
  readonly path: '/metrics' | '/probe';
  readonly atMs: number;
}

/** What the landing page can honestly say about scrapes: it never calls DMS, scrapes do. */
export interface ScrapeTimes {
  /** The latest scrape, if any reached this process. */
  readonly last: ScrapeSeen | undefined;
  /** The time between the last two scrapes of /metrics: Prometheus' scrape interval, as seen here. */
  readonly metricsIntervalMs: number | undefined;
}

/** When the exporter was last scraped, kept for the landing page. Two numbers, whatever the traffic. */
export class ScrapeLog {
  #last: ScrapeSeen | undefined;
  #lastMetricsMs: number | undefined;
  #metricsIntervalMs: number | undefined;

  record(path: ScrapeSeen['path'], atMs: number): void {
    this.#last = { path, atMs };
    if (path !== '/metrics') return;
    if (this.#lastMetricsMs !== undefined) this.#metricsIntervalMs = atMs - this.#lastMetricsMs;
    this.#lastMetricsMs = atMs;
  }

  times(): ScrapeTimes {
    return { last: this.#last, metricsIntervalMs: this.#metricsIntervalMs };
  }
}
