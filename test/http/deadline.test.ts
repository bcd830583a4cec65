import { describe, expect, it } from 'vitest';
import { scrapeTimeoutMs } from '../../src/http/deadline.js';
import { DEFAULT_SCRAPE_SETTINGS } from '../support/settings.js';

// The two settings the cases are written for; the rest as a config without them has it.
const settings = { ...DEFAULT_SCRAPE_SETTINGS, timeoutMs: 10_000, timeoutOffsetMs: 500 };

const reason =
  'send a positive number of seconds such as 10 or 9.5, or leave the header out for scrape.timeout';

describe('scrapeTimeoutMs', () => {
  it('takes scrape.timeout without the header', () => {
    expect(scrapeTimeoutMs(undefined, settings)).toEqual({ ok: true, value: 10_000 });
    expect(scrapeTimeoutMs('', settings)).toEqual({ ok: true, value: 10_000 });
  });

  // budget = min(timeout, max(header - offset, header / 2)), with timeout 10 s and offset 0.5 s: half
  // the header up to 1 s, the header minus the offset from there, the timeout from 10.5 s on.
  it.each([
    ['0.001', 0.5],
    ['0.1', 50],
    ['0.4', 200],
    ['0.49', 245],
    ['0.5', 250],
    ['0.51', 255],
    ['0.6', 300],
    ['0.9', 450],
    ['1', 500],
    ['1.1', 600],
    ['1.5', 1_000],
    ['2.5', 2_000],
    ['5', 4_500],
    ['10', 9_500],
    ['10.5', 10_000],
    ['30', 10_000],
  ])('a header of %s s gives %d ms', (header, expected) => {
    const budget = scrapeTimeoutMs(header, settings);
    expect(budget.ok && budget.value).toBeCloseTo(expected, 6);
  });

  it('never falls and never jumps as the header grows (1 ms steps from 1 ms to 12 s)', () => {
    let previous = 0;
    for (let ms = 1; ms <= 12_000; ms++) {
      const budget = scrapeTimeoutMs((ms / 1000).toFixed(3), settings);
      if (!budget.ok) throw new Error(budget.error);
      expect(budget.value - previous, `${ms} ms`).toBeGreaterThanOrEqual(-1e-9);
      expect(budget.value - previous, `${ms} ms`).toBeLessThanOrEqual(1 + 1e-9);
      previous = budget.value;
    }
  });

  it.each(['abc', '-1', '0', 'Infinity', '0x10', '1e3', '+5', ' 5', '5.'])(
    'rejects the header value %j, saying what to send',
    (header) => {
      expect(scrapeTimeoutMs(header, settings)).toEqual({
        ok: false,
        error: `invalid X-Prometheus-Scrape-Timeout-Seconds header "${header}": ${reason}`,
      });
    },
  );
});
