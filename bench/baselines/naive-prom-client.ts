// Baseline: the naive prom-client design. One long-lived registry; each order family is a Gauge
// whose collect() asks DMS about every order itself, so a scrape makes one call per order per
// family (3 per order). prom-client runs the three collect()s concurrently; each is a loop of
// awaited calls, as in prom-client's README example of an async collect().
import { Gauge, Registry } from 'prom-client';
import { EXPORTED_STATUSES, ORDER_FAMILIES } from '../project.js';
import { runBaseline, type ReadJob } from './baseline.js';

function registerCollectingGauges(readJob: ReadJob, orderIds: readonly number[]): () => Promise<string> {
  const registry = new Registry();
  const registers = [registry];
  new Gauge({
    ...ORDER_FAMILIES.up,
    labelNames: ['order_id'],
    registers,
    async collect() {
      this.reset();
      for (const id of orderIds) this.set({ order_id: String(id) }, (await readJob(id)).ok ? 1 : 0);
    },
  });
  new Gauge({
    ...ORDER_FAMILIES.ratio,
    labelNames: ['order_id', 'stage'],
    registers,
    async collect() {
      this.reset();
      for (const id of orderIds) {
        const reading = await readJob(id);
        if (!reading.ok) continue;
        const order_id = String(id);
        this.set({ order_id, stage: 'list' }, reading.list);
        this.set({ order_id, stage: 'download' }, reading.download);
        this.set({ order_id, stage: 'filter' }, reading.filter);
      }
    },
  });
  new Gauge({
    ...ORDER_FAMILIES.status,
    labelNames: ['order_id', 'status'],
    registers,
    async collect() {
      this.reset();
      for (const id of orderIds) {
        const reading = await readJob(id);
        if (!reading.ok) continue;
        for (const state of EXPORTED_STATUSES)
          this.set({ order_id: String(id), status: state }, state === reading.status ? 1 : 0);
      }
    },
  });
  return () => registry.metrics();
}

await runBaseline(registerCollectingGauges);
