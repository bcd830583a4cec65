// The config module's public face: everything else in src/config is private to it.
export { parseConfig } from './parse.js';
export type { ConfigResult } from './parse.js';
export { loadConfigFile } from './load.js';
export { formatDuration, parseDuration } from '../util/duration.js';
export { DEFAULT_ENDPOINT, DEFAULT_SCRAPE, MAX_CONCURRENCY } from './defaults.js';
export { Secret } from './secret.js';
export type { Config, Credentials, Order, Profile, ScrapeSettings, SignatureAlgorithm } from './types.js';
