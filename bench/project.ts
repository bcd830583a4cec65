// Everything the bench takes from src/, in one place: the DMS client seam the baselines call, the
// metric names they export and the harness reads. When one of these interfaces changes, this file
// is the one to fix.
import { Secret } from '../src/config/secret.js';
import { MAX_CONCURRENCY } from '../src/config/constants.js';
import { createAlibabaDmsClient } from '../src/dms/alibaba-client.js';
import { ACTION_GET_JOB_DEGREE, JOB_STATUSES } from '../src/dms/types.js';
import { METRICS } from '../src/metrics/catalogue.js';

export { MAX_CONCURRENCY };

/** The families every variant exports for each order (the part of the output that is compared). */
export const ORDER_FAMILIES = {
  up: METRICS.up,
  ratio: METRICS.stageCompletionRatio,
  status: METRICS.jobStatus,
} as const;

/** The exporter's DMS call counter; the baselines export it too, so the harness reads every variant alike. */
export const API_REQUESTS = METRICS.apiRequests;
export const JOB_DEGREE_ACTION = ACTION_GET_JOB_DEGREE;
export const EXPORTED_STATUSES: readonly string[] = [...JOB_STATUSES, 'UNKNOWN'];

/** One order's answer, reduced to what the baselines render. */
export type JobReading =
  | { readonly ok: false }
  | {
      readonly ok: true;
      readonly status: string;
      readonly list: number;
      readonly download: number;
      readonly filter: number;
    };

export interface DmsTarget {
  /** host:port of the simulator (plain http). */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly timeoutMs: number;
}

/** A function that asks DMS about one order through the project's own client (signing included). */
export function createJobReader(target: DmsTarget): (orderId: number) => Promise<JobReading> {
  const client = createAlibabaDmsClient(
    {
      name: 'default',
      endpoint: target.endpoint,
      protocol: 'http',
      tid: undefined,
      signatureAlgorithm: 'ACS3-HMAC-SHA256',
      credentials: {
        kind: 'access_key',
        accessKeyId: target.accessKeyId,
        accessKeySecret: { kind: 'literal', secret: new Secret(target.accessKeySecret) },
        securityToken: undefined,
      },
      rateLimit: undefined,
      proxy: { url: undefined, noProxy: undefined, passwordFile: undefined },
      discovery: undefined,
      consoleUrl: undefined,
    },
    // The naive designs bound nothing: as many connections as the exporter could ever use.
    { userAgent: 'dms-datatrack-exporter-bench-baseline', connections: MAX_CONCURRENCY },
  );
  const signal = new AbortController().signal;
  return async (orderId) => {
    const result = await client.getJobDegree(
      { orderId, tid: undefined },
      { signal, timeoutMs: target.timeoutMs },
    );
    if (!result.ok) return { ok: false };
    const { status, listRatio, downloadRatio, filterRatio } = result.value;
    return { ok: true, status, list: listRatio, download: downloadRatio, filter: filterRatio };
  };
}
