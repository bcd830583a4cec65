import { configSchema, type ScrapeSettings } from '../../src/config/schema.js';

/** The scrape settings of a config that sets none: the schema's defaults, as the exporter reads them. */
export const DEFAULT_SCRAPE_SETTINGS: ScrapeSettings = configSchema.parse({}).scrape;
