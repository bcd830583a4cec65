// What the two baselines share: the spec file the harness writes, the project's DMS client (counted),
// and the call counter and default metrics appended to every body.
import { readFileSync } from 'node:fs';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';
import { API_REQUESTS, JOB_DEGREE_ACTION, createJobReader, type JobReading } from '../project.js';
import { requiredFlag, serveMetrics } from './metrics-server.js';

const specSchema = z.strictObject({
  endpoint: z.string(),
  access_key_id: z.string(),
  access_key_secret: z.string(),
  timeout_ms: z.number().int().positive(),
  order_ids: z.array(z.number().int().positive()),
});

/** What the harness writes for a baseline: where DMS is and which orders to export. */
export type BaselineSpec = z.infer<typeof specSchema>;

export type ReadJob = (orderId: number) => Promise<JobReading>;

/**
 * Runs a baseline: `design` gets a DMS reader (the project's client, counted) and the order ids, and
 * returns what renders the order families. The call counter and default metrics are appended after
 * the order families are rendered, so the counter in a body includes that scrape's calls.
 */
export async function runBaseline(
  design: (readJob: ReadJob, orderIds: readonly number[]) => () => Promise<string>,
): Promise<void> {
  const spec = specSchema.parse(JSON.parse(readFileSync(requiredFlag('spec'), 'utf8')));
  const self = new Registry();
  collectDefaultMetrics({ register: self });
  const calls = new Counter({ ...API_REQUESTS, labelNames: ['action'], registers: [self] });
  calls.inc({ action: JOB_DEGREE_ACTION }, 0);
  const read = createJobReader({
    endpoint: spec.endpoint,
    accessKeyId: spec.access_key_id,
    accessKeySecret: spec.access_key_secret,
    timeoutMs: spec.timeout_ms,
  });
  const readJob: ReadJob = async (orderId) => {
    const reading = await read(orderId);
    calls.inc({ action: JOB_DEGREE_ACTION });
    return reading;
  };
  const renderOrders = design(readJob, spec.order_ids);
  await serveMetrics(async () => `${await renderOrders()}\n${await self.metrics()}`);
}
