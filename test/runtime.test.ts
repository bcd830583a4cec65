import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { configFromText } from '../src/config/parse.js';
import type { Config } from '../src/config/schema.js';
import { openRuntimeStore } from '../src/runtime.js';
import { ManualClock } from './support/clock.js';

function unused(): never {
  throw new Error('no DMS call in this test');
}

const config = (concurrency: number, orders: string): Config => {
  const loaded = configFromText(
    `profiles:\n  default: { access_key_id: LTAIruntime01, access_key_secret: s }\nscrape: { concurrency: ${concurrency} }\norders:\n${orders}`,
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
});
