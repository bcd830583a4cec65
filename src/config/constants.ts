// Values of the configuration that modules outside the loader use. They live apart from schema.ts
// so that importing them does not load zod into the exporter's main thread, which never parses a
// config itself (the load worker does, load.ts).

export const DEFAULT_PROFILE_NAME = 'default';
/** The central DMS Enterprise endpoint; regional ones look like dms-enterprise.cn-hangzhou.aliyuncs.com. */
export const DEFAULT_ENDPOINT = 'dms-enterprise.aliyuncs.com';
export const MAX_CONCURRENCY = 256;
/** The share of the scraper's timeout a scrape may always spend on DMS, however large the offset. */
export const ALWAYS_SPENT_SHARE = 0.5;
