/**
 * A job's times as /metrics shows them: the exporter and the simulator over real HTTP, the exporter
 * on a manual clock that also drives the simulator's timeline, scraped once a minute as the shipped
 * Prometheus config does. Every change falls halfway between two scrapes, so every date is exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/clock.js';
import { sampleValue, scenarioFromYaml, scenarioYaml, startStack, type Stack } from '../support/stack.js';

const START_MS = 1_800_000_000_000;
const MIN = 60_000;
const PREFIX = 'aliyun_dms_datatrack_';

// 301 starts while watched: INIT until 1m30s, LISTING to 6m30s, LIST_SUCCESS to 7m30s, DOWNLOADING
// to 17m30s, DOWNLOAD_SUCCESS to 18m30s, FILTERING to 22m30s, then FILTER_SUCCESS.
// 302 is already listing at the first scrape, as a job is after the exporter restarts.
const ORDERS = [
  '  - { id: 301, start: 90s, list: 5m, pause: 1m, download: 10m, filter: 4m }',
  '  - { id: 302, list: 3m30s, pause: 0s, download: 2m, filter: 1h }',
];

const CONFIG = `profiles:
  default: { endpoint: '\${SIM}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '\${AK_SECRET}' }
  idle: { endpoint: '\${SIM}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '\${AK_SECRET}' }
scrape: { min_interval: 0s, terminal_recheck: 0s }
orders:
  - { id: 301 }
  - { id: 302 }
`;

const clock = new ManualClock(START_MS);
let stack: Stack;
/** The scrape at each whole minute from 0, taken once by the test that reaches it first. */
const scrapes: string[] = [];

async function scrapeAtMinute(minute: number): Promise<string> {
  while (scrapes.length <= minute) {
    if (scrapes.length > 0) clock.advance(MIN);
    scrapes.push((await stack.scrape()).text);
  }
  return scrapes[minute] ?? '';
}

const value = (text: string, series: string): number | undefined => sampleValue(text, `${PREFIX}${series}`);
const at = (minutes: number): number => (START_MS + minutes * MIN) / 1000;

beforeAll(async () => {
  stack = await startStack({
    scenario: scenarioFromYaml(scenarioYaml(ORDERS)),
    configText: CONFIG,
    clock,
    elapsedMs: () => clock.now() - START_MS,
  });
});
afterAll(() => stack.close());

describe("a job's times on /metrics", () => {
  it('knows no time before it has seen a change', async () => {
    const first = await scrapeAtMinute(0);
    expect(first).toContain(`${PREFIX}job_status{order_id="301",status="INIT"} 1`);
    expect(first).not.toMatch(/_(status_since|started)_timestamp_seconds\{/);
    expect(first).not.toMatch(/_(stage|job)_duration_seconds\{/);
  });

  it('dates the start and each change halfway between the two scrapes around it', async () => {
    const listing = await scrapeAtMinute(2);
    expect(value(listing, 'job_started_timestamp_seconds{order_id="301"}')).toBe(at(1.5));
    expect(value(listing, 'job_status_since_timestamp_seconds{order_id="301"}')).toBe(at(1.5));
    const waiting = await scrapeAtMinute(7);
    expect(value(waiting, 'job_status_since_timestamp_seconds{order_id="301"}')).toBe(at(6.5));
    expect(value(waiting, 'stage_duration_seconds{order_id="301",stage="list"}')).toBe(300);
  });

  it('gives each stage, the wait before it included, and the whole job once it ends', async () => {
    const done = await scrapeAtMinute(23);
    expect(done).toContain(`${PREFIX}job_status{order_id="301",status="FILTER_SUCCESS"} 1`);
    expect(value(done, 'job_status_since_timestamp_seconds{order_id="301"}')).toBe(at(22.5));
    expect(value(done, 'stage_duration_seconds{order_id="301",stage="list"}')).toBe(300);
    expect(value(done, 'stage_duration_seconds{order_id="301",stage="download"}')).toBe(660);
    expect(value(done, 'stage_duration_seconds{order_id="301",stage="filter"}')).toBe(300);
    expect(value(done, 'job_duration_seconds{order_id="301"}')).toBe(1260);
  });

  it('feeds the baselines once per stage and job that ended well, per profile, zero for the others', async () => {
    const done = await scrapeAtMinute(23);
    const histogram = (suffix: string, labels: string) =>
      value(done, `completed_stage_duration_seconds_${suffix}{${labels}}`);
    expect(histogram('sum', 'profile="default",stage="list"')).toBe(300);
    // 302's download ran from 3m30s to 5m30s, both ends seen: it counts too.
    expect(histogram('count', 'profile="default",stage="download"')).toBe(2);
    expect(histogram('sum', 'profile="default",stage="download"')).toBe(660 + 120);
    expect(histogram('count', 'profile="idle",stage="list"')).toBe(0);
    expect(value(done, 'completed_job_duration_seconds_sum{profile="default"}')).toBe(1260);
    expect(value(done, 'completed_job_duration_seconds_count{profile="default"}')).toBe(1);
    // Scraped again, nothing is counted twice.
    const later = await scrapeAtMinute(25);
    expect(value(later, 'completed_job_duration_seconds_count{profile="default"}')).toBe(1);
  });

  it('leaves unknown what began before the first scrape: a job already running', async () => {
    const later = await scrapeAtMinute(25);
    expect(value(later, 'job_started_timestamp_seconds{order_id="302"}')).toBeUndefined();
    expect(value(later, 'stage_duration_seconds{order_id="302",stage="list"}')).toBeUndefined();
    expect(value(later, 'stage_duration_seconds{order_id="302",stage="download"}')).toBe(120);
    expect(value(later, 'job_status_since_timestamp_seconds{order_id="302"}')).toBe(at(5.5));
  });
});
