import { describe, expect, it } from 'vitest';
import { scrapeTimeoutMs } from '../../src/http/deadline.js';
import { DEFAULT_SCRAPE_SETTINGS } from '../support/settings.js';

// The two settings the cases are written for; the rest as a config without them has it.
const settings = { ...DEFAULT_SCRAPE_SETTINGS, timeoutMs: 10_000, timeoutOffsetMs: 500 };

describe('scrapeTimeoutMs', () => {
  it.each([
    ['no header: the configured timeout', undefined, 10_000],
    ["Prometheus' header minus the offset", '5', 4_500],
    ['a header above the cap: the configured timeout', '30', 10_000],
    ['fractional seconds', '2.5', 2_000],
    ['a header smaller than the offset: the header itself', '0.3', 300],
  ])('%s', (_what, header, expected) => {
    expect(scrapeTimeoutMs(header, settings)).toEqual({ ok: true, value: expected });
  });

  it.each(['abc', '-1', '0', 'Infinity', '0x10', '1e3', '+5', ' 5', '5.'])(
    'rejects the header value %j',
    (header) => {
      expect(scrapeTimeoutMs(header, settings)).toEqual({
        ok: false,
        error: `invalid X-Prometheus-Scrape-Timeout-Seconds header: "${header}"`,
      });
    },
  );
});
