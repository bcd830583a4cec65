// Baseline: the naive sequential exporter. Each scrape is a loop of awaited DMS calls, one order
// after the other, then a fresh prom-client registry with the same order families as the exporter.
// No concurrency, no memory of finished jobs.
import { Gauge, Registry } from 'prom-client';
import { EXPORTED_STATUSES, ORDER_FAMILIES, type JobReading } from '../project.js';
import { runBaseline, type ReadJob } from './baseline.js';

function scrapeSequentially(readJob: ReadJob, orderIds: readonly number[]): () => Promise<string> {
  return async () => {
    const readings: Array<[string, JobReading]> = [];
    for (const id of orderIds) readings.push([String(id), await readJob(id)]);

    const registry = new Registry();
    const registers = [registry];
    const up = new Gauge({ ...ORDER_FAMILIES.up, labelNames: ['order_id'], registers });
    const ratio = new Gauge({ ...ORDER_FAMILIES.ratio, labelNames: ['order_id', 'stage'], registers });
    const status = new Gauge({ ...ORDER_FAMILIES.status, labelNames: ['order_id', 'status'], registers });
    for (const [order_id, reading] of readings) {
      up.set({ order_id }, reading.ok ? 1 : 0);
      if (!reading.ok) continue;
      ratio.set({ order_id, stage: 'list' }, reading.list);
      ratio.set({ order_id, stage: 'download' }, reading.download);
      ratio.set({ order_id, stage: 'filter' }, reading.filter);
      for (const state of EXPORTED_STATUSES)
        status.set({ order_id, status: state }, state === reading.status ? 1 : 0);
    }
    return registry.metrics();
  };
}

await runBaseline(scrapeSequentially);
