/**
 * docs/operations.md: the worked quota example is recomputed from the assumptions it states and
 * agrees with docs/deploy.md's formula, and the rate-limit sizing quotes what the quota test checks.
 * (Its links are checked with every other page's, in links.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { section, seconds } from '../support/markdown.js';

const operations = readFileSync('docs/operations.md', 'utf8');
const deployDoc = readFileSync('docs/deploy.md', 'utf8');
const MONTH_S = 30 * 24 * 3600;

/** The captures of `pattern` in `text`, line breaks read as spaces (prose may wrap anywhere). */
function match(text: string, pattern: RegExp): string[] {
  const found = pattern.exec(text.replace(/\s+/g, ' '));
  if (found === null) throw new Error(`docs/operations.md no longer says ${pattern}`);
  return found.slice(1).map((s) => s ?? '');
}

const number = (text: string): number => Number(text.replace(/,/g, ''));

describe('docs/operations.md', () => {
  const example = section(operations, '### Worked example: DMS calls per month');

  /** What the worked example assumes, read from its text. */
  function assumptions() {
    const [n = 0, i = 0] = match(
      example,
      /(\d+) data-tracking orders, scraped every (\d+) s by an HA pair/,
    ).map(number);
    const [runH = 0, finishedH = 0] = match(
      example,
      /a ticket runs for (\d+) h, then stays in the configuration, finished, for (\d+) h/,
    ).map(number);
    const [minInterval = '', recheck = ''] = match(
      example,
      /\(b\) `min_interval: (\w+)`[^`]*`terminal_recheck: (\w+)`/,
    );
    const finished = (n * finishedH) / (runH + finishedH);
    return {
      n,
      i,
      servers: 2,
      running: n - finished,
      finished,
      minInterval: seconds(minInterval),
      r: seconds(recheck),
    };
  }

  /** Each row's cells, the number after the last `=` of each. */
  function rows(): Record<string, number[]> {
    return Object.fromEntries(
      [...example.matchAll(/^\| \(([ab])\) +\| ([^|]+?) +\| ([^|]+?) +\| +([\d,]+) \|$/gm)].map((m) => [
        m[1] ?? '',
        [m[2], m[3], m[4]].map((cell) => number((cell ?? '').split('=').pop()?.trim() ?? '')),
      ]),
    );
  }

  it('computes the worked example from its own assumptions', () => {
    const { n, i, servers, running, finished, minInterval, r } = assumptions();
    expect([n, i, running, finished, r]).toEqual([200, 60, 20, 180, 600]);
    // (b) relies on min_interval being at least half the interval, and less than it.
    expect(minInterval * 2).toBeGreaterThanOrEqual(i);
    expect(minInterval).toBeLessThan(i);
    const a = [(servers * running * MONTH_S) / i, (servers * finished * MONTH_S) / i];
    const b = [(running * MONTH_S) / i, (finished * MONTH_S) / Math.max(r, i)];
    expect(rows()).toEqual({ a: [...a, (a[0] ?? 0) + (a[1] ?? 0)], b: [...b, (b[0] ?? 0) + (b[1] ?? 0)] });
  });

  it('agrees with docs/deploy.md: (b) costs what one Prometheus costs there, (a) twice its figure without memory', () => {
    const deploy = section(deployDoc, '## DMS calls per month');
    expect(deploy).toContain('**N × 2,592,000 / I**');
    expect(deploy).toContain('**(N − F) × 2,592,000 / I + F × 2,592,000 / max(R, I)**');
    // When a second Prometheus does not double the cost: docs/deploy.md must say it too.
    expect(deploy).toContain('`scrape.min_interval` is at least half the scrape interval');
    const { n, i, servers, finished: f, r } = assumptions();
    const { a = [], b = [] } = rows();
    expect(b[2]).toBe(((n - f) * MONTH_S) / i + (f * MONTH_S) / Math.max(r, i));
    expect(a[2]).toBe(servers * ((n * MONTH_S) / i));
  });

  it('quotes the rate-limit sizing the quota test checks', () => {
    const sizing = section(operations, '### Rate limit');
    const [orders = 0, rps = 0, burst = 0, interval = 0, budget = 0] = match(
      sizing,
      /([\d,]+) orders, (\d+) calls\/s, burst (\d+), a (\d+) s interval and a ([\d.]+) s budget/,
    ).map(number);
    const [perSecond, fewest, most, perInterval, scrapes] = match(
      sizing,
      /never more than (\d+) calls in any second[^,]*, (\d+)–(\d+) calls per scrape, every order refreshed within ceil\([\d,]+ \/ (\d+)\) = (\d+) scrapes/,
    ).map(number);
    expect(perSecond).toBe(rps + burst);
    expect([fewest, most]).toEqual([rps * budget, burst + rps * budget]);
    expect(perInterval).toBe(rps * interval);
    expect(scrapes).toBe(Math.ceil(orders / (rps * interval)));
    const test = readFileSync('test/collector/quota.test.ts', 'utf8');
    for (const constant of [
      `ORDERS = ${orders}`,
      `RPS = ${rps}`,
      `BURST = ${burst}`,
      `INTERVAL_MS = ${interval}_000`,
    ])
      expect(test).toContain(constant);
    expect(orders).toBe(200);
  });
});
