import { Counter, Gauge, Histogram, Registry, type RegistryContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { OrderOutcome, ScrapeResult } from '../../src/collector/types.js';
import type { Ratio } from '../../src/dms/types.js';
import type { ExpositionFormat } from '../../src/metrics/exposition.js';
import { UNMEASURED } from '../../src/collector/job-watch.js';
import { createOrderTextCache } from '../../src/metrics/order-text.js';
import { createScrapeRenderer } from '../../src/metrics/render.js';
import { renderWithPromClient } from '../support/prom-client-render.js';
import {
  evolve,
  randomNumber,
  randomOutcome,
  seededRandom,
  type Random,
} from '../support/random-outcomes.js';

const FORMATS: readonly ExpositionFormat[] = ['text', 'openmetrics'];

/** Self metrics that do not change between two renders (prom-client's process metrics would). */
function stableSelfRegistry(format: ExpositionFormat, withMetrics = true): Registry<RegistryContentType> {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(
    format === 'openmetrics' ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE,
  );
  if (!withMetrics) return registry;
  const registers = [registry];
  new Counter({
    name: 'self_calls_total',
    help: 'Calls "made", by\\ code\nsecond line.',
    labelNames: ['code'],
    registers,
  }).inc({ code: 'a"b\\c\nd' }, 3);
  new Gauge({ name: 'self_reload_ok', help: 'Reload.', registers }).set(1);
  const histogram = new Histogram({ name: 'self_wait_seconds', help: 'Wait.', buckets: [0.1, 1], registers });
  histogram.observe(0.3);
  return registry;
}

function renderers(withSelfMetrics: boolean) {
  const selves = {
    text: stableSelfRegistry('text', withSelfMetrics),
    openmetrics: stableSelfRegistry('openmetrics', withSelfMetrics),
  };
  const renderer = createScrapeRenderer({ registryFor: (format) => selves[format] });
  return {
    ours: (result: ScrapeResult, format: ExpositionFormat) => renderer.render(result, format),
    promClient: (result: ScrapeResult, format: ExpositionFormat) =>
      renderWithPromClient(result, selves[format], format),
  };
}

/** Byte for byte; shown as text when it fails (both decode alike: each side is valid UTF-8). */
function expectSameBytes(ours: Buffer, promClientText: string): void {
  const theirs = Buffer.from(promClientText);
  if (!ours.equals(theirs)) expect(ours.toString('utf8')).toBe(theirs.toString('utf8'));
  expect(ours.equals(theirs)).toBe(true);
}

function scrape(random: Random, outcomes: readonly OrderOutcome[]): ScrapeResult {
  return { outcomes, durationMs: randomNumber(random), timeoutMs: randomNumber(random) };
}

describe('rendering the order families ourselves', () => {
  it('writes what prom-client writes, byte for byte, over 400 random scrapes in both formats', async () => {
    const random = seededRandom(0x5eed10);
    const { ours, promClient } = renderers(true);
    let id = 0;
    const nextId = () => (id += 1 + Math.floor(random() * 1e9));
    let outcomes = Array.from({ length: 30 }, () => randomOutcome(random, nextId()));
    const seen: string[] = [];
    for (let round = 0; round < 400; round++) {
      // One cache throughout: formats alternate at random, orders change, vanish and appear.
      outcomes = round % 97 === 0 ? [] : evolve(random, outcomes, nextId);
      const result = scrape(random, outcomes);
      const format = random() < 0.5 ? 'text' : 'openmetrics';
      const expected = await promClient(result, format);
      expectSameBytes(await ours(result, format), expected);
      seen.push(expected);
    }
    // The corpus really held what the escaping and number formatting must get right.
    const all = seen.join('');
    for (const needle of [
      '\\"',
      '\\n',
      '\\\\',
      '\r',
      '🚀',
      '中文',
      '} 1e-7\n',
      '} 0.30000000000000004\n',
      'e+21',
      '} Nan\n',
      '} +Inf\n',
      '} -Inf\n',
      '# EOF\n',
      'tid=""',
      'code=""',
      'console_url="https://dms.example/',
      'aliyun_dms_datatrack_stage_duration_seconds{order_id=',
      'aliyun_dms_datatrack_job_status_since_timestamp_seconds{order_id=',
      'aliyun_dms_datatrack_ticket_approved_timestamp_seconds{order_id=',
    ]) {
      expect(all).toContain(needle);
    }
  });

  it.each(FORMATS)(
    'prints HELP and TYPE alone for families without series, as prom-client does (%s)',
    async (format) => {
      const random = seededRandom(7);
      const allFailed = Array.from({ length: 3 }, (_, i) => randomOutcome(random, i + 1)).map(
        (o): OrderOutcome => ({
          ...o,
          answer: { kind: 'failed', error: { code: 'timeout', message: '', requestId: undefined } },
          lastSuccessMs: undefined,
        }),
      );
      for (const withSelfMetrics of [true, false]) {
        const { ours, promClient } = renderers(withSelfMetrics);
        for (const outcomes of [[], allFailed]) {
          const result = { outcomes, durationMs: 12.5, timeoutMs: 10_000 };
          expectSameBytes(await ours(result, format), await promClient(result, format));
        }
      }
      const { ours } = renderers(false);
      const empty = (await ours({ outcomes: [], durationMs: 0, timeoutMs: 0 }, format)).toString('utf8');
      expect(empty).toContain(
        '# TYPE aliyun_dms_datatrack_up gauge' +
          (format === 'text' ? '\n\n' : '\n') +
          '# HELP aliyun_dms_datatrack_stage_completion_ratio ',
      );
    },
  );
});

const finishedDegree = {
  status: 'FILTER_SUCCESS',
  rawStatus: 'FILTER_SUCCESS',
  statusDesc: '',
  listRatio: 1 as Ratio,
  downloadRatio: 1 as Ratio,
  filterRatio: 1 as Ratio,
  requestId: undefined,
} as const;

describe('the per-order text cache', () => {
  const random = seededRandom(42);
  const config = {
    id: 1,
    name: 'one',
    profile: 'default',
    tid: undefined,
    consoleUrl: undefined,
    source: 'config',
  } as const;
  const base: OrderOutcome = {
    order: config,
    answer: { kind: 'failed', error: { code: 'timeout', message: '', requestId: undefined } },
    lastSuccessMs: 1_800_000_000_000,
    times: UNMEASURED,
  };

  it('reuses the text of an order whose labels, answer and last success did not change', () => {
    const cache = createOrderTextCache();
    const [first] = cache.textsFor([base]);
    expect(cache.textsFor([base])[0]).toBe(first);
    const equalCopy: OrderOutcome = {
      ...base,
      order: { ...base.order },
      answer: structuredClone(base.answer),
    };
    expect(cache.textsFor([equalCopy])[0]).toBe(first);
  });

  it('rebuilds it when the answer, a label or the last success time changes', () => {
    const cache = createOrderTextCache();
    const [first] = cache.textsFor([base]);
    const changes: OrderOutcome[] = [
      { ...base, answer: { kind: 'failed', error: { code: 'changed', message: '', requestId: undefined } } },
      { ...base, answer: { kind: 'cached', degree: finishedDegree } },
      { ...base, answer: { kind: 'cached', degree: { ...finishedDegree, status: 'FILTER_FAIL' } } },
      { ...base, answer: { kind: 'cached', degree: { ...finishedDegree, filterRatio: 0.5 as Ratio } } },
      { ...base, order: { ...base.order, name: `${base.order.name}!` } },
      { ...base, order: { ...base.order, profile: 'other' } },
      { ...base, order: { ...base.order, tid: 7 } },
      { ...base, order: { ...config, source: 'probe' } },
      { ...base, order: { ...config, consoleUrl: 'https://dms.example/1' } },
      { ...base, lastSuccessMs: 1_800_000_001_000 },
    ];
    for (const changed of changes) {
      expect(createOrderTextCache().textsFor([changed])[0]).not.toEqual(first);
      // Against the text the cache holds for `base` right now (rebuilt after the previous change).
      const held = cache.textsFor([base])[0];
      expect(cache.textsFor([changed])[0]).not.toBe(held);
    }
  });

  it("rebuilds a job's text when its times change, and only then", () => {
    const cache = createOrderTextCache();
    const finished: OrderOutcome = { ...base, answer: { kind: 'cached', degree: finishedDegree } };
    const [first] = cache.textsFor([finished]);
    expect(cache.textsFor([{ ...finished, answer: { kind: 'fresh', degree: finishedDegree } }])[0]).toBe(
      first,
    );
    const measured = { ...finished, times: { ...UNMEASURED, statusSinceMs: 1_799_999_999_000 } };
    const [second] = cache.textsFor([measured]);
    expect(second).not.toEqual(first);
    expect(cache.textsFor([measured])[0]).toBe(second);
  });

  it('keeps text only for the orders of the last scrape', () => {
    const cache = createOrderTextCache();
    const many = Array.from({ length: 50 }, (_, i) => randomOutcome(random, i + 1));
    cache.textsFor(many);
    expect(cache.size).toBe(50);
    cache.textsFor(many.slice(0, 5));
    expect(cache.size).toBe(5);
    cache.textsFor([]);
    expect(cache.size).toBe(0);
  });
});
