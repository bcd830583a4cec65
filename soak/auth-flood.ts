// npm run soak -- --auth-flood: with basic auth on, many clients send distinct wrong passwords while
// one valid user scrapes /metrics once a second (one kept-alive connection, as Prometheus does) and
// a health checker calls /-/healthy once a second, half a period later (a new connection each time,
// as a kubelet does); --probe-every sets another period.
// Both log in before the flood starts, so their credentials are already verified; the figures say
// whether the flood makes them wait.
import { basicAuth, spread, startFlood, startProber, timedGet, type Timed } from './auth-clients.js';
import { makeUser, serveWithUsers, writeRunJson } from './auth-setup.js';
import type { Serving } from '../test/support/process.js';
import type { AuthFloodOptions } from './options.js';

/** What the exporter promises under the flood (docs/http.md). */
export const GOALS = { scrapeMedianMs: 100, scrapeMaxMs: 1_000, healthyMaxMs: 50 } as const;

export interface AuthFloodRun {
  /** The valid user's first request: one password check, before anything else. */
  readonly loginMs: number;
  /** The same probes for a while before the flood starts: what this machine gives without it. */
  readonly quiet: { readonly scrapes: readonly Timed[]; readonly healthy: readonly Timed[] };
  readonly scrapes: readonly Timed[];
  readonly healthy: readonly Timed[];
  readonly flood: Readonly<Record<string, number>>;
  readonly goalsMet: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function authFlood(
  options: AuthFloodOptions,
  progress: (line: string) => void,
  track: (program: Serving) => void,
): Promise<AuthFloodRun> {
  const user = makeUser('prometheus', options.cost);
  const serving = await serveWithUsers([user], true, track);
  try {
    const base = serving.exporter.url;
    const valid = basicAuth(user.name, user.password);
    const metrics = new URL('/metrics', base);
    const login = await timedGet(metrics, valid, false);
    if (login.outcome !== '200') throw new Error(`the valid user's login answered ${login.outcome}`);
    const everyMs = options.probeEveryMs;
    const scraper = startProber(metrics, valid, { everyMs, offsetMs: 0, keepAlive: true });
    const health = startProber(new URL('/-/healthy', base), valid, {
      everyMs,
      offsetMs: everyMs / 2,
      keepAlive: false,
    });
    const quietMs = Math.min(10_000, options.durationMs / 4);
    progress(
      `exporter ${base}: login (one bcrypt at cost ${options.cost}) ${login.ms.toFixed(0)} ms; ` +
        `${quietMs / 1000} s quiet, then ${options.flooders} clients flood it for ${options.durationMs / 1000} s`,
    );
    await sleep(quietMs);
    const [scrapesBefore, healthyBefore] = [scraper.answers.length, health.answers.length];
    const flood = startFlood(metrics, user.name, options.flooders);
    await sleep(options.durationMs);
    await Promise.all([scraper.stop(), health.stop()]);
    await flood.stop();
    const scrapes = scraper.answers.slice(scrapesBefore);
    const healthy = health.answers.slice(healthyBefore);
    return {
      loginMs: login.ms,
      quiet: {
        scrapes: scraper.answers.slice(0, scrapesBefore),
        healthy: health.answers.slice(0, healthyBefore),
      },
      scrapes,
      healthy,
      flood: Object.fromEntries(flood.outcomes),
      goalsMet: goalsMet(scrapes, healthy),
    };
  } finally {
    await serving.stop();
  }
}

function goalsMet(scrapes: readonly Timed[], healthy: readonly Timed[]): boolean {
  const all200 = [...scrapes, ...healthy].every((answer) => answer.outcome === '200');
  const scrape = spread(scrapes.map((answer) => answer.ms));
  const health = spread(healthy.map((answer) => answer.ms));
  return (
    all200 &&
    scrapes.length > 0 &&
    healthy.length > 0 &&
    scrape.median < GOALS.scrapeMedianMs &&
    scrape.max < GOALS.scrapeMaxMs &&
    health.max < GOALS.healthyMaxMs
  );
}

const ms = (value: number): string => `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;

function row(name: string, answers: readonly Timed[]): string {
  const { median: mid, p90, max } = spread(answers.map((answer) => answer.ms));
  const failed = answers.filter((answer) => answer.outcome !== '200').length;
  return `| ${name} | ${answers.length} | ${ms(mid)} | ${ms(p90)} | ${ms(max)} | ${failed} |`;
}

export function authFloodSummary(options: AuthFloodOptions, run: AuthFloodRun): string {
  const seconds = options.durationMs / 1000;
  const perSecond = 1000 / options.probeEveryMs;
  const pace = Number.isInteger(perSecond) ? `${perSecond}/s` : `every ${options.probeEveryMs} ms`;
  const floodTotal = Object.values(run.flood).reduce((a, b) => a + b, 0);
  const byOutcome = Object.entries(run.flood)
    .sort(([, a], [, b]) => b - a)
    .map(([outcome, n]) => `${n} × ${outcome}`)
    .join(', ');
  return [
    `Auth flood: ${options.flooders} clients, distinct wrong passwords, ${seconds} s; bcrypt cost ${options.cost}`,
    `Valid user's login (one password check): ${ms(run.loginMs)}`,
    '',
    '| valid user | requests | median | p90 | max | not 200 |',
    '| --- | --- | --- | --- | --- | --- |',
    row(`/metrics, ${pace}, kept-alive: before the flood`, run.quiet.scrapes),
    row(`/metrics, ${pace}, kept-alive: during the flood`, run.scrapes),
    row(`/-/healthy, ${pace}, new connection each: before`, run.quiet.healthy),
    row(`/-/healthy, ${pace}, new connection each: during`, run.healthy),
    '',
    `Flood: ${floodTotal} answers (${Math.round(floodTotal / seconds)}/s): ${byOutcome}`,
    `Goals (scrape median < ${GOALS.scrapeMedianMs} ms, max < ${GOALS.scrapeMaxMs} ms; /-/healthy max < ${GOALS.healthyMaxMs} ms; all 200): ${run.goalsMet ? 'met' : 'NOT met'}`,
  ].join('\n');
}

export function writeAuthFloodJson(path: string, options: AuthFloodOptions, run: AuthFloodRun) {
  const settings = {
    duration_ms: options.durationMs,
    flooders: options.flooders,
    cost: options.cost,
    probe_every_ms: options.probeEveryMs,
  };
  return writeRunJson(path, settings, { goals: GOALS, ...run });
}
