import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { configFromText } from '../src/config/parse.js';
import type { Config } from '../src/config/schema.js';
import type { TokenBucket } from '../src/dms/gates.js';
import { openRuntimeStore } from '../src/runtime.js';
import { ManualClock } from './support/clock.js';

function unused(): never {
  throw new Error('no DMS call in this test');
}

const config = (concurrency: number, orders: string, rateLimit = ''): Config => {
  const limit = rateLimit === '' ? '' : `, rate_limit: ${rateLimit}`;
  const loaded = configFromText(
    `profiles:\n  default: { access_key_id: LTAIruntime01, access_key_secret: s${limit} }\nscrape: { concurrency: ${concurrency} }\norders:\n${orders}`,
    'config.yaml',
    {},
  );
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  return loaded.value;
};

async function storeWith(first: Config) {
  let next = first;
  const store = await openRuntimeStore({
    source: () => Promise.resolve({ ok: true, value: next }),
    // Clients are built per profile on every load; nothing here calls one.
    makeClient: () => ({ getJobDegree: unused, listOrders: unused, getOrderDetail: unused }),
    onLoaded: () => undefined,
    logger: pino({ level: 'silent' }),
    clock: new ManualClock(),
    discovered: () => [],
    onRuntime: () => undefined,
  });
  if (!store.ok) throw new Error(store.error.join('\n'));
  return { store: store.value, setNext: (c: Config) => (next = c) };
}

/** How many of `count` tokens `bucket` grants without the clock moving; the others are withdrawn. */
async function grantedAtOnce(bucket: TokenBucket | undefined, count: number): Promise<number> {
  if (bucket === undefined) throw new Error('the profile has no rate-limit bucket');
  const places = Array.from({ length: count }, () => bucket.take());
  let granted = 0;
  for (const place of places) void place.granted.then((ok) => (granted += ok ? 1 : 0));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  for (const place of places) place.withdraw();
  return granted;
}

describe('runtime store', () => {
  it('keeps one concurrency bound across reloads: calls of the old config count against the new one', async () => {
    const { store, setNext } = await storeWith(config(2, '  - id: 1\n'));
    const before = store.current().target.slots;
    before.acquire();
    before.acquire();
    setNext(config(2, '  - id: 1\n  - id: 2\n'));
    expect((await store.reload()).ok).toBe(true);
    const after = store.current().target.slots;
    after.acquire();
    expect([after.active, after.queued]).toEqual([2, 1]);
    // A reload raising the bound lets the waiting call in at once.
    setNext(config(3, '  - id: 1\n'));
    expect((await store.reload()).ok).toBe(true);
    expect([store.current().target.slots.active, store.current().target.slots.queued]).toEqual([3, 0]);
  });

  it("keeps a profile's rate-limit bucket across reloads while its limit is unchanged: no fresh burst", async () => {
    const limited = (rateLimit: string, orders = '  - id: 1\n') => config(2, orders, rateLimit);
    const { store, setNext } = await storeWith(limited('{ requests_per_second: 1, burst: 2 }'));
    const bucket = () => store.current().target.bucketFor('default');
    expect(await grantedAtOnce(bucket(), 3)).toBe(2);

    setNext(limited('{ requests_per_second: 1, burst: 2 }', '  - id: 1\n  - id: 2\n'));
    expect((await store.reload()).ok).toBe(true);
    expect(await grantedAtOnce(bucket(), 1)).toBe(0);

    // A new limit is a new bucket, with its burst.
    setNext(limited('{ requests_per_second: 1, burst: 3 }'));
    expect((await store.reload()).ok).toBe(true);
    expect(await grantedAtOnce(bucket(), 4)).toBe(3);

    setNext(config(2, '  - id: 1\n'));
    expect((await store.reload()).ok).toBe(true);
    expect(bucket()).toBeUndefined();
  });
});
