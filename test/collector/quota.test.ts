/**
 * Quota protection end to end: 200 orders behind `rate_limit: { requests_per_second: 4 }`, the
 * exporter and the simulator over real HTTP, both on one ManualClock. Time moves only in 250 ms steps,
 * and only once the DMS calls of the previous step have finished, so every figure is exact on any
 * machine, and a simulated minute takes well under a second.
 *
 * The sizes are small but keep every bound telling: the limiter grants one token per step
 * (4/s x 250 ms), a full refresh takes ceil(200 / (4 x 15)) = 4 scrapes with the last one only
 * partly needed (3.3), and the busiest second (burst plus steady rate) lands above RPS, so an
 * overshoot would show. Larger counts only multiply the steps and the HTTP calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/clock.js';
import { sampleValue, scenarioFromYaml, scenarioYaml, startStack, type Stack } from '../support/stack.js';
import { settledTime, type SettledTime } from '../support/settled-time.js';

const ORDERS = 200;
const RPS = 4;
// Interval 15 s, timeout 14.5 s, burst 4: tokens pile up only between scrapes, and only up to the
// burst, so a scrape gets min(burst, RPS x 0.5 s) + RPS x 14.5 s = 60 calls, RPS x interval: the
// formula's bound ceil(200 / (4 x 15)) = 4 scrapes is then tight, not slack. (A burst of 4 covers
// the 0.5 s gap; a much larger one would only help the very first scrape.)
const BURST = 4;
const INTERVAL_MS = 15_000;
const TIMEOUT_MS = 14_500;
// One token per step: a step never hides two calls of the limiter behind one clock move.
const STEP_MS = 250;
const SCRAPES_TO_REFRESH_ALL = Math.ceil(ORDERS / ((RPS * INTERVAL_MS) / 1000));
const MOST_CALLS_PER_SCRAPE = BURST + (RPS * TIMEOUT_MS) / 1000;
const PREFIX = 'aliyun_dms_datatrack_';

const ids = Array.from({ length: ORDERS }, (_, i) => i + 1);
// max_age (5m) is longer than 4 scrapes (60 s): an order keeps its last answer, up 1, between refreshes.
const CONFIG = `profiles:
  default:
    endpoint: '\${SIM}'
    protocol: http
    access_key_id: '\${AK_ID}'
    access_key_secret: '\${AK_SECRET}'
    rate_limit: { requests_per_second: ${RPS}, burst: ${BURST} }
# min_interval 0s: every scrape wants every order, so only the rate limit decides who is asked.
scrape: { timeout: 14s500ms, min_interval: 0s, max_age: 5m, concurrency: 8 }
orders:
${ids.map((id) => `  - id: ${id}`).join('\n')}
`;

/** Every `family{order_id="N"} value` line of a scrape, by order id. */
function perOrder(text: string, family: string): Map<number, string> {
  const found = new Map<number, string>();
  const pattern = new RegExp(`^${PREFIX}${family}\\{order_id="(\\d+)"(?:,code="([^"]+)")?\\} (\\S+)$`, 'gm');
  for (const m of text.matchAll(pattern)) found.set(Number(m[1]), m[2] ?? m[3] ?? '');
  return found;
}

/** A series' value; a missing series fails the test instead of counting as zero. */
function counter(text: string, series: string): number {
  const value = sampleValue(text, `${PREFIX}${series}`);
  if (value === undefined) throw new Error(`no ${series} in the scrape`);
  return value;
}

const count = (values: Iterable<string>, wanted: string): number =>
  [...values].filter((v) => v === wanted).length;

// The cases run in order on one stack: each goes on from where the previous one left the clock.
describe('quota: 200 orders at 4 DMS calls per second', () => {
  // A whole second, so the simulator's per-second windows line up with the scrapes.
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  let stack: Stack;
  let time: SettledTime;
  /** Which scrape (1-based) last refreshed each order, from its last_success_timestamp_seconds. */
  const refreshedAt = new Map<number, number>();
  const lastSuccess = new Map<number, string>();
  let scrapes = 0;

  beforeAll(async () => {
    const orders = ids.map((id) => `  - { id: ${id}, list: 1h, download: 1h, filter: 1h }`);
    stack = await startStack({
      scenario: scenarioFromYaml(scenarioYaml(orders)),
      configText: CONFIG,
      clock,
      // Started at Date.now(), the shared clock keeps the signed timestamps within the simulator's ±15 min.
      simulatorNow: () => clock.now(),
    });
    time = settledTime(clock, () => stack.store.current().target);
  });
  afterAll(() => stack?.close());

  /** `parallel` scrapes at once, time stepped through one interval; the texts and the DMS calls made. */
  async function scrapeInterval(parallel = 1): Promise<{ texts: string[]; calls: number }> {
    const callsBefore = stack.simulator.callCount();
    const answers = Promise.all(Array.from({ length: parallel }, () => stack.scrape()));
    await time.scrapesStarted(parallel);
    await time.advance(TIMEOUT_MS, STEP_MS);
    const texts = (await answers).map((a) => a.text);
    await time.advance(INTERVAL_MS - TIMEOUT_MS, STEP_MS);
    scrapes += 1;
    const first = texts[0] ?? '';
    for (const [id, value] of perOrder(first, 'last_success_timestamp_seconds')) {
      if (lastSuccess.get(id) !== value) refreshedAt.set(id, scrapes);
      lastSuccess.set(id, value);
    }
    return { texts, calls: stack.simulator.callCount() - callsBefore };
  }

  it(`refreshes every order within ${SCRAPES_TO_REFRESH_ALL} scrapes, never above ${RPS + BURST} calls a second`, async () => {
    expect(SCRAPES_TO_REFRESH_ALL).toBe(4);
    for (let k = 1; k <= 2 * SCRAPES_TO_REFRESH_ALL; k++) {
      const { texts, calls } = await scrapeInterval();
      const text = texts[0] ?? '';
      // At least the steady rate for the whole timeout, at most that plus one burst.
      expect(calls).toBeGreaterThanOrEqual((RPS * TIMEOUT_MS) / 1000);
      expect(calls).toBeLessThanOrEqual(MOST_CALLS_PER_SCRAPE);
      const up = perOrder(text, 'up');
      const errors = perOrder(text, 'order_error_info');
      // Orders never asked yet wait for the limit, and say so; once asked, they stay up.
      expect(count(up.values(), '1')).toBe(refreshedAt.size);
      expect(count(errors.values(), 'rate_limited')).toBe(ORDERS - refreshedAt.size);
      if (k >= SCRAPES_TO_REFRESH_ALL) {
        expect(count(up.values(), '1'), `scrape ${k}`).toBe(ORDERS);
        const oldest = Math.min(...refreshedAt.values());
        expect(k - oldest, `scrape ${k}: longest wait for a refresh`).toBeLessThan(SCRAPES_TO_REFRESH_ALL);
      }
    }
    const busiest = Math.max(...stack.simulator.callsPerSecond().map((s) => s.calls));
    expect(busiest).toBeLessThanOrEqual(RPS + BURST);
    expect(busiest).toBeGreaterThan(RPS); // the burst is used: the measure can see an overshoot
  });

  it('shows Prometheus the waits and the answers kept while waiting', async () => {
    const before = (await scrapeInterval()).texts[0] ?? '';
    const { texts, calls } = await scrapeInterval();
    const after = texts[0] ?? '';
    // Every order not asked in a scrape is served its last answer (younger than max_age).
    const stale = 'answers_reused_total{reason="stale"}';
    // A token granted at the deadline's instant still sends its call, for the memory: at most one
    // counted call is not among the answers of the scrape.
    const served = counter(after, stale) - counter(before, stale);
    expect(served).toBeGreaterThanOrEqual(ORDERS - calls);
    expect(served).toBeLessThanOrEqual(ORDERS - calls + 1);
    const waits = 'rate_limit_wait_seconds_bucket{le="10",profile="default"}';
    const allWaits = 'rate_limit_wait_seconds_count{profile="default"}';
    // Calls near the end of a scrape waited most of its timeout for their token.
    expect(counter(after, waits)).toBeLessThan(counter(after, allWaits));
    expect(counter(after, 'rate_limit_wait_seconds_bucket{le="30",profile="default"}')).toBe(
      counter(after, allWaits),
    );
  });

  it('costs one call per order for 50 concurrent scrapes, still within the limit', async () => {
    const single = await scrapeInterval();
    const perOrderBefore = new Map(ids.map((id) => [id, stack.simulator.callCount({ orderId: id })]));
    const { texts, calls } = await scrapeInterval(50);
    expect(calls).toBe(single.calls);
    const calledTwice = ids.filter(
      (id) => stack.simulator.callCount({ orderId: id }) - (perOrderBefore.get(id) ?? 0) > 1,
    );
    expect(calledTwice).toEqual([]);
    const upLines = (text: string) => text.split('\n').filter((l) => l.startsWith(`${PREFIX}up{`));
    const first = upLines(texts[0] ?? '');
    expect(first).toHaveLength(ORDERS);
    for (const text of texts) expect(upLines(text)).toEqual(first);
    // The calls the bucket allows at once may finish before the last scrapes arrive; those scrapes
    // then wait for a token behind the others instead of sharing. Every other order is shared.
    const shared = counter(texts[0] ?? '', 'answers_reused_total{reason="in_flight"}');
    expect(shared).toBeGreaterThanOrEqual(49 * (ORDERS - BURST));
    expect(shared).toBeLessThanOrEqual(49 * ORDERS);
    expect(Math.max(...stack.simulator.callsPerSecond().map((s) => s.calls))).toBeLessThanOrEqual(
      RPS + BURST,
    );
  });
});
