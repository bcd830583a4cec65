import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { err, ok } from 'yaml-files';
import { createCollector, type ScrapeTarget } from '../../src/collector/collector.js';
import { createSemaphore, createTokenBucket, type RateLimit } from '../../src/dms/gates.js';
import type { OrderOutcome, ReuseReason, ScrapeRecorder } from '../../src/collector/types.js';
import type { ScrapeSettings } from '../../src/config/schema.js';
import type { TrackedOrder } from '../../src/orders.js';
import {
  DEADLINE_ERROR,
  type DmsClient,
  type DmsResult,
  type JobDegree,
  type JobStatus,
  type Ratio,
} from '../../src/dms/types.js';
import { ManualClock } from '../support/clock.js';
import { DEFAULT_SCRAPE_SETTINGS } from '../support/settings.js';

// The collector with a DMS client whose answers the test gives by hand, and a clock that moves only
// when told: every case is exact, whatever the machine's load.

/** The collector asks only GetDataTrackJobDegree. */
function unused(): never {
  throw new Error('the collector called an action it never needs');
}

interface PendingCall {
  readonly orderId: number;
  readonly signal: AbortSignal;
  answer(result: DmsResult): void;
}

class HandDms implements DmsClient {
  readonly calls: PendingCall[] = [];
  readonly listOrders = unused;
  readonly getOrderDetail = unused;

  getJobDegree(request: { orderId: number }, options: { signal: AbortSignal }): Promise<DmsResult> {
    return new Promise((resolve) => {
      const call = { orderId: request.orderId, signal: options.signal, answer: resolve };
      // An aborted request is over: it leaves the list of open calls, as a cancelled HTTP request would.
      options.signal.addEventListener(
        'abort',
        () => {
          this.calls.splice(this.calls.indexOf(call), 1);
          resolve(err(DEADLINE_ERROR));
        },
        { once: true },
      );
      this.calls.push(call);
    });
  }

  /** Answers the oldest unanswered call for `orderId`. */
  answer(orderId: number, result: DmsResult): void {
    const index = this.calls.findIndex((c) => c.orderId === orderId);
    const call = this.calls.splice(index, 1)[0];
    if (call === undefined) throw new Error(`no call for order ${orderId}`);
    call.answer(result);
  }

  open(): number[] {
    return this.calls.map((c) => c.orderId);
  }
}

class CountingRecorder implements ScrapeRecorder {
  requests: Array<string | undefined> = [];
  reused: ReuseReason[] = [];
  retries: string[] = [];
  waits: number[] = [];
  requestFinished(_action: string, _seconds: number, code: string | undefined): void {
    this.requests.push(code);
  }
  answerReused(reason: ReuseReason): void {
    this.reused.push(reason);
  }
  retried(_action: string, code: string): void {
    this.retries.push(code);
  }
  rateLimitWaited(_profile: string, seconds: number): void {
    this.waits.push(seconds);
  }
  completed: string[] = [];
  stageCompleted(profile: string, stage: string, seconds: number): void {
    this.completed.push(`${profile} ${stage} ${seconds}`);
  }
  jobCompleted(profile: string, seconds: number): void {
    this.completed.push(`${profile} job ${seconds}`);
  }
}

function degree(status: JobStatus, ratio = 0.5): JobDegree {
  const r = ratio as Ratio;
  return {
    status,
    rawStatus: status,
    statusDesc: '',
    listRatio: r,
    downloadRatio: r,
    filterRatio: r,
    requestId: 'R',
  };
}

const RUNNING = ok(degree('DOWNLOADING'));
const FINISHED = ok(degree('FILTER_SUCCESS', 1));

// Every scrape asks DMS unless a case says otherwise: no min_interval, no stale answers.
const SETTINGS: ScrapeSettings = { ...DEFAULT_SCRAPE_SETTINGS, minIntervalMs: 0, maxAgeMs: 0 };

function orders(...ids: number[]): TrackedOrder[] {
  return ids.map((id) => ({
    id,
    name: '',
    profile: 'default',
    tid: undefined,
    consoleUrl: undefined,
    source: 'config',
  }));
}

function setup(options: { settings?: Partial<ScrapeSettings>; rateLimit?: RateLimit; random?: number } = {}) {
  const clock = new ManualClock();
  const dms = new HandDms();
  const recorder = new CountingRecorder();
  const collector = createCollector({
    recorder,
    logger: pino({ level: 'silent' }),
    clock,
    random: () => options.random ?? 0.5,
  });
  const settings = { ...SETTINGS, ...options.settings };
  const bucket = options.rateLimit && createTokenBucket(options.rateLimit, clock);
  const target = (list: TrackedOrder[]): ScrapeTarget => ({
    orders: list,
    population: list,
    settings,
    slots: createSemaphore(settings.concurrency),
    clientFor: () => dms,
    bucketFor: () => bucket,
  });
  return { clock, dms, recorder, collector, target };
}

/** Lets promise reactions run (the collector's bookkeeping is all microtasks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

function summary(outcomes: readonly OrderOutcome[]): Record<number, string> {
  return Object.fromEntries(
    outcomes.map((o) => [
      o.order.id,
      o.answer.kind === 'failed'
        ? `failed:${o.answer.error.code}`
        : o.answer.kind === 'no_job'
          ? 'no_job'
          : `${o.answer.kind}:${o.answer.degree.status}`,
    ]),
  );
}

/** One scrape of `t`, whose one order's call DMS answers with `result`: the scrape's outcomes. */
async function scrapeAnswered(
  { dms, collector }: ReturnType<typeof setup>,
  t: ScrapeTarget,
  result: DmsResult,
): Promise<Record<number, string>> {
  const scrape = collector.collect(t, 10_000);
  await settle();
  dms.answer(t.orders[0]?.id ?? 0, result);
  return summary((await scrape).outcomes);
}

describe('collector', () => {
  it('never has more than scrape.concurrency calls in flight, and starts the rest in order', async () => {
    const { dms, collector, target } = setup({ settings: { concurrency: 2 } });
    const scrape = collector.collect(target(orders(1, 2, 3, 4, 5)), 10_000);
    await settle();
    expect(dms.open()).toEqual([1, 2]);
    dms.answer(1, RUNNING);
    await settle();
    expect(dms.open()).toEqual([2, 3]);
    const inFlight: number[][] = [];
    for (const id of [2, 3, 4, 5]) {
      dms.answer(id, RUNNING);
      await settle();
      inFlight.push(dms.open());
    }
    // Each answer lets exactly the next order in, never a third call beside two.
    expect(inFlight).toEqual([[3, 4], [4, 5], [5], []]);
    expect(summary((await scrape).outcomes)).toEqual({
      1: 'fresh:DOWNLOADING',
      2: 'fresh:DOWNLOADING',
      3: 'fresh:DOWNLOADING',
      4: 'fresh:DOWNLOADING',
      5: 'fresh:DOWNLOADING',
    });
  });

  it('shares one call per order between concurrent scrapes', async () => {
    const { dms, recorder, collector, target } = setup();
    const t = target(orders(1, 2));
    const first = collector.collect(t, 10_000);
    const second = collector.collect(t, 10_000);
    await settle();
    expect(dms.open()).toEqual([1, 2]);
    dms.answer(1, RUNNING);
    dms.answer(2, err({ code: 'Forbidden.RAM', message: 'no', requestId: 'R' }));
    const expected = { 1: 'fresh:DOWNLOADING', 2: 'failed:Forbidden.RAM' };
    expect(summary((await first).outcomes)).toEqual(expected);
    expect(summary((await second).outcomes)).toEqual(expected);
    expect(recorder.reused).toEqual(['in_flight', 'in_flight']);
    expect(recorder.requests).toEqual([undefined, 'Forbidden.RAM']);
  });

  it('answers a final-state job from memory until terminal_recheck passes', async () => {
    const { clock, dms, recorder, collector, target } = setup({ settings: { terminalRecheckMs: 60_000 } });
    const t = target(orders(7));
    const first = collector.collect(t, 10_000);
    await settle();
    dms.answer(7, FINISHED);
    expect(summary((await first).outcomes)).toEqual({ 7: 'fresh:FILTER_SUCCESS' });
    clock.advance(59_999);
    expect(summary((await collector.collect(t, 10_000)).outcomes)).toEqual({ 7: 'cached:FILTER_SUCCESS' });
    expect(dms.open()).toEqual([]);
    clock.advance(1);
    const third = collector.collect(t, 10_000);
    await settle();
    expect(dms.open()).toEqual([7]);
    dms.answer(7, FINISHED);
    await third;
    expect(recorder.reused).toEqual(['terminal_cache']);
  });

  it('answers from memory within scrape.min_interval, failures included', async () => {
    const { clock, dms, recorder, collector, target } = setup({ settings: { minIntervalMs: 15_000 } });
    const t = target(orders(1, 2));
    const first = collector.collect(t, 10_000);
    await settle();
    dms.answer(1, RUNNING);
    dms.answer(2, err({ code: 'UnknownError', message: 'x', requestId: 'R' }));
    await first;
    clock.advance(14_999);
    const storm = await Promise.all([1, 2, 3].map(() => collector.collect(t, 10_000)));
    expect(dms.open()).toEqual([]);
    expect(summary(storm[2]?.outcomes ?? [])).toEqual({ 1: 'cached:DOWNLOADING', 2: 'failed:UnknownError' });
    expect(recorder.reused).toEqual(['fresh', 'fresh', 'fresh', 'fresh', 'fresh', 'fresh']);
    clock.advance(1);
    void collector.collect(t, 10_000);
    await settle();
    expect(dms.open()).toEqual([1, 2]);
  });

  it('answers from memory within scrape.min_interval with the last error, not an older success', async () => {
    const exporter = setup({ settings: { minIntervalMs: 15_000 } });
    const { clock, dms, recorder, collector, target } = exporter;
    const t = target(orders(1));
    expect(await scrapeAnswered(exporter, t, RUNNING)).toEqual({ 1: 'fresh:DOWNLOADING' });
    clock.advance(15_000);
    const failed = err({ code: 'UnknownError', message: 'x', requestId: 'R' });
    expect(await scrapeAnswered(exporter, t, failed)).toEqual({ 1: 'failed:UnknownError' });
    clock.advance(14_999);
    expect(summary((await collector.collect(t, 10_000)).outcomes)).toEqual({ 1: 'failed:UnknownError' });
    expect(dms.open()).toEqual([]);
    expect(recorder.reused).toEqual(['fresh']);
  });

  it('gives up at the deadline on the orders still waiting, marking only them timed out', async () => {
    const { clock, dms, collector, target } = setup();
    const scrape = collector.collect(target(orders(1, 2)), 2_000);
    await settle();
    dms.answer(1, RUNNING);
    await settle();
    clock.advance(2_000);
    const result = await scrape;
    expect(summary(result.outcomes)).toEqual({ 1: 'fresh:DOWNLOADING', 2: 'failed:timeout' });
    expect(result.timeoutMs).toBe(2_000);
  });

  it('lets a request DMS is slow to answer finish after every scrape gave up, for the next one', async () => {
    const { clock, dms, recorder, collector, target } = setup({ settings: { maxAgeMs: 60_000 } });
    const t = target(orders(1));
    const first = collector.collect(t, 2_000);
    await settle();
    clock.advance(2_000);
    expect(summary((await first).outcomes)).toEqual({ 1: 'failed:timeout' });
    // Still sent, still running: a scrape now joins it instead of asking again.
    expect(dms.open()).toEqual([1]);
    const second = collector.collect(t, 2_000);
    await settle();
    clock.advance(500);
    dms.answer(1, RUNNING);
    expect(summary((await second).outcomes)).toEqual({ 1: 'fresh:DOWNLOADING' });
    expect(recorder.requests).toEqual([undefined]);
    expect(recorder.reused).toEqual(['in_flight']);
  });

  it('gives up a call still waiting for its turn when every scrape has left', async () => {
    const { clock, dms, collector, target } = setup({ settings: { concurrency: 1 } });
    const t = target(orders(1, 2));
    const scrape = collector.collect(t, 1_000);
    await settle();
    clock.advance(1_000);
    expect(summary((await scrape).outcomes)).toEqual({ 1: 'failed:timeout', 2: 'failed:timeout' });
    dms.answer(1, RUNNING);
    await settle();
    // Order 2 was never sent, and is not sent now that nobody waits for it.
    expect(dms.open()).toEqual([]);
  });

  it('lets a call shared with a short-deadline scrape finish for a longer one', async () => {
    const { clock, dms, collector, target } = setup();
    const t = target(orders(1));
    const short = collector.collect(t, 1_000);
    const long = collector.collect(t, 15_000);
    await settle();
    clock.advance(1_000);
    expect(summary((await short).outcomes)).toEqual({ 1: 'failed:timeout' });
    expect(dms.calls[0]?.signal.aborted).toBe(false);
    clock.advance(2_000);
    dms.answer(1, RUNNING);
    expect(summary((await long).outcomes)).toEqual({ 1: 'fresh:DOWNLOADING' });
  });

  it('serves an answer younger than max_age for an order not refreshed in time', async () => {
    const { clock, dms, recorder, collector, target } = setup({ settings: { maxAgeMs: 120_000 } });
    const t = target(orders(1));
    const first = collector.collect(t, 5_000);
    await settle();
    dms.answer(1, RUNNING);
    await first;
    clock.advance(60_000);
    const second = collector.collect(t, 5_000);
    await settle();
    clock.advance(5_000);
    expect(summary((await second).outcomes)).toEqual({ 1: 'cached:DOWNLOADING' });
    expect(recorder.reused).toEqual(['stale']);
    clock.advance(60_000);
    const third = collector.collect(t, 5_000);
    await settle();
    clock.advance(5_000);
    expect(summary((await third).outcomes)).toEqual({ 1: 'failed:timeout' });
  });

  it('under a rate limit, asks the oldest answers first and says rate_limited for the rest', async () => {
    const { clock, dms, recorder, collector, target } = setup({
      rateLimit: { requestsPerSecond: 1, burst: 2 },
    });
    const t = target(orders(1, 2, 3, 4));
    const first = collector.collect(t, 1_500);
    await settle();
    expect(dms.open()).toEqual([1, 2]);
    dms.answer(1, RUNNING);
    dms.answer(2, RUNNING);
    await settle();
    clock.advance(1_000);
    await settle();
    expect(dms.open()).toEqual([3]);
    dms.answer(3, RUNNING);
    await settle();
    clock.advance(500);
    expect(summary((await first).outcomes)).toEqual({
      1: 'fresh:DOWNLOADING',
      2: 'fresh:DOWNLOADING',
      3: 'fresh:DOWNLOADING',
      4: 'failed:rate_limited',
    });
    // The next scrape starts with order 4, never answered, then the oldest answers.
    clock.advance(10_000);
    void collector.collect(t, 1_500);
    await settle();
    expect(dms.open()).toEqual([4, 1]);
    expect(recorder.waits.length).toBe(5);
  });

  it('retries once after throttling when the deadline leaves room, never after an auth error', async () => {
    const { clock, dms, recorder, collector, target } = setup();
    const scrape = collector.collect(target(orders(1, 2)), 10_000);
    await settle();
    dms.answer(1, err({ code: 'Throttling.User', message: 'slow down', requestId: 'R' }));
    dms.answer(2, err({ code: 'SignatureDoesNotMatch', message: 'no', requestId: 'R' }));
    await settle();
    expect(dms.open()).toEqual([]);
    clock.advance(300); // the pause before the retry: 200 ms x (1 + 0.5)
    await settle();
    expect(dms.open()).toEqual([1]);
    dms.answer(1, RUNNING);
    expect(summary((await scrape).outcomes)).toEqual({
      1: 'fresh:DOWNLOADING',
      2: 'failed:SignatureDoesNotMatch',
    });
    expect(recorder.retries).toEqual(['Throttling.User']);
  });

  it('does not retry when the pause would overrun the deadline', async () => {
    const { clock, dms, recorder, collector, target } = setup();
    const scrape = collector.collect(target(orders(1)), 1_000);
    await settle();
    clock.advance(800);
    dms.answer(1, err({ code: 'ServiceUnavailable', message: 'later', requestId: 'R' }));
    expect(summary((await scrape).outcomes)).toEqual({ 1: 'failed:ServiceUnavailable' });
    expect(recorder.retries).toEqual([]);
  });

  it('forgets an order removed from the config while a scrape of the old config runs', async () => {
    const { dms, collector, target } = setup();
    const before = target(orders(1, 2));
    const after = target(orders(1));
    const old = collector.collect(before, 10_000);
    await settle();
    const current = collector.collect(after, 10_000);
    await settle();
    expect(dms.open()).toEqual([1, 2]);
    dms.answer(1, RUNNING);
    dms.answer(2, RUNNING);
    expect(Object.keys(summary((await old).outcomes))).toEqual(['1', '2']);
    expect(Object.keys(summary((await current).outcomes))).toEqual(['1']);
    const [removed] = collector.lastKnown(orders(2));
    expect(removed?.memory.lastAttemptMs).toBeUndefined();
    const [kept] = collector.lastKnown(orders(1));
    expect(kept?.memory.lastDegree?.status).toBe('DOWNLOADING');
  });

  it('does not bring back the memory of an order forgotten while its call ran', async () => {
    const { clock, dms, collector, target } = setup();
    const old = collector.collect(target(orders(1, 2)), 10_000);
    await settle();
    // A scrape of the new population (order 2 removed) ends first and forgets order 2.
    const current = collector.collect(target(orders(1)), 1_000);
    await settle();
    clock.advance(1_000);
    await current;
    dms.answer(1, RUNNING);
    dms.answer(2, RUNNING);
    await old;
    const [removed] = collector.lastKnown(orders(2));
    expect(removed?.memory.lastAttemptMs).toBeUndefined();
    const [kept] = collector.lastKnown(orders(1));
    expect(kept?.memory.lastDegree?.status).toBe('DOWNLOADING');
  });

  it('forgets the orders it is told to, even with their call still running', async () => {
    const { dms, collector, target } = setup();
    const scrape = collector.collect(target(orders(1, 2)), 10_000);
    await settle();
    collector.forget(orders(2));
    dms.answer(1, RUNNING);
    dms.answer(2, RUNNING);
    await scrape;
    expect(collector.lastKnown(orders(1, 2)).map((k) => k.memory.lastAttemptMs !== undefined)).toEqual([
      true,
      false,
    ]);
  });

  it('leaves no timer behind once a scrape is answered', async () => {
    const { clock, dms, collector, target } = setup();
    const scrape = collector.collect(target(orders(1)), 10_000);
    await settle();
    dms.answer(1, RUNNING);
    await scrape;
    expect(clock.pending).toBe(0);
  });

  it('dates the job from its answers, and reports each stage and job that ended well, by profile', async () => {
    const { clock, dms, recorder, collector, target } = setup();
    const t = target(orders(1));
    const answerWith = async (status: JobStatus) => {
      const scrape = collector.collect(t, 10_000);
      await settle();
      dms.answer(1, ok(degree(status)));
      const [outcome] = (await scrape).outcomes;
      clock.advance(60_000);
      return outcome?.times;
    };
    expect(await answerWith('INIT')).toEqual({
      statusSinceMs: undefined,
      startedMs: undefined,
      stageMs: {},
      jobMs: undefined,
    });
    const start = clock.now() - 30_000;
    await answerWith('LISTING');
    // A state this exporter does not know says nothing about the job's way.
    await answerWith('UNKNOWN');
    await answerWith('LISTING');
    expect(await answerWith('LIST_SUCCESS')).toMatchObject({ startedMs: start, stageMs: { list: 180_000 } });
    for (const status of ['DOWNLOADING', 'DOWNLOAD_SUCCESS', 'FILTERING', 'FILTER_SUCCESS'] as const)
      await answerWith(status);
    expect(recorder.completed).toEqual([
      'default list 180',
      'default download 120',
      'default filter 120',
      'default job 420',
    ]);
  });
});
