import type { Semaphore, TokenBucket } from '../dms/gates.js';
import { startGatedCall, type CallRecorder, type CallRoute, type GatedCall } from '../dms/gated-call.js';
import { ACTION_GET_JOB_DEGREE, type DmsClient, type JobDegree } from '../dms/types.js';
import type { Order } from '../config/schema.js';
import type { Clock } from '../util/clock.js';

/** One GetDataTrackJobDegree in flight, shared by every scrape that needs it. */
export type SharedCall = GatedCall<JobDegree>;

/** Where a scrape's DMS calls go: each profile's client and rate limit, and the process-wide slots. */
export interface CallTarget {
  readonly settings: { readonly timeoutMs: number };
  /** Bounds DMS calls in flight across every scrape. */
  readonly slots: Semaphore;
  clientFor(profile: string): DmsClient;
  /** The profile's rate limit, shared with every other DMS call made for it; undefined: none. */
  bucketFor(profile: string): TokenBucket | undefined;
}

export interface CallerDeps {
  readonly recorder: CallRecorder;
  readonly clock: Clock;
  readonly random: () => number;
}

/**
 * Starts one scrape's GetDataTrackJobDegree calls. Each profile's route is made on its first call,
 * not once per call (a cold scrape starts thousands). A scrape that gives up leaves a sent call
 * running to scrape.timeout, so its answer is remembered for the next scrape (keepAnswer; the rule
 * every DMS call follows is in dms/gated-call.ts).
 */
export function jobDegreeCaller(target: CallTarget, deps: CallerDeps): (order: Order) => SharedCall {
  const routes = new Map<string, { client: DmsClient; route: CallRoute }>();
  const routeFor = (profile: string) => {
    let known = routes.get(profile);
    if (known === undefined) {
      const route: CallRoute = {
        gates: { bucket: target.bucketFor(profile), slots: target.slots },
        recorder: deps.recorder,
        clock: deps.clock,
        random: deps.random,
        profile,
        timeoutMs: target.settings.timeoutMs,
        keepAnswer: true,
      };
      known = { client: target.clientFor(profile), route };
      routes.set(profile, known);
    }
    return known;
  };
  return (order) => {
    const { client, route } = routeFor(order.profile);
    const request = { orderId: order.id, tid: order.tid };
    return startGatedCall(
      { name: ACTION_GET_JOB_DEGREE, send: (options) => client.getJobDegree(request, options) },
      route,
    );
  };
}
