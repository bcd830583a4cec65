import type { Node } from 'yaml';
import { report } from './context.js';
import type { Context } from './context.js';
import { DEFAULT_SCRAPE, MAX_CONCURRENCY } from './defaults.js';
import { formatDuration } from '../util/duration.js';
import { readDuration, readInteger } from './fields.js';
import { fieldPath, openSection, valueOf } from './nodes.js';
import type { ScrapeSettings } from './types.js';

const SCRAPE_KEYS = ['timeout', 'timeout_offset', 'concurrency', 'terminal_recheck'];

/** The `scrape` section, each key defaulted on its own. */
export function readScrape(ctx: Context, node: Node | undefined): ScrapeSettings | undefined {
  const section = openSection(ctx, node, 'scrape', SCRAPE_KEYS);
  if (section === undefined) return undefined;
  const errorsBefore = ctx.errors.length;
  const settings: ScrapeSettings = {
    timeoutMs: readDuration(section, 'timeout') ?? DEFAULT_SCRAPE.timeoutMs,
    timeoutOffsetMs: readDuration(section, 'timeout_offset') ?? DEFAULT_SCRAPE.timeoutOffsetMs,
    concurrency: readInteger(section, 'concurrency', 1, MAX_CONCURRENCY) ?? DEFAULT_SCRAPE.concurrency,
    terminalRecheckMs: readDuration(section, 'terminal_recheck') ?? DEFAULT_SCRAPE.terminalRecheckMs,
  };
  if (ctx.errors.length > errorsBefore) return undefined;
  if (settings.timeoutMs <= 0) {
    report(ctx, fieldPath(section, 'timeout'), valueOf(section, 'timeout'), 'must be greater than 0s');
    return undefined;
  }
  // The offset is taken off the scraper's timeout; not less than ours would leave no time for DMS.
  if (settings.timeoutOffsetMs >= settings.timeoutMs) {
    const timeout = formatDuration(settings.timeoutMs);
    const reason = `must be less than scrape.timeout (${timeout}), got ${formatDuration(settings.timeoutOffsetMs)}`;
    const at = valueOf(section, 'timeout_offset') ?? section.node;
    report(ctx, fieldPath(section, 'timeout_offset'), at, reason);
    return undefined;
  }
  return settings;
}
