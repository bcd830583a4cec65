import { businessError, faultAnswer, success, type PlannedAnswer } from './answer.js';
import type { JobState, ScenarioOrder } from './scenario.js';
import type { Moment } from './tickets.js';
import { jobProgressAt } from './timeline.js';
import { lookUpDataTrack, unknownOrder, type World } from './world.js';

// GetDataTrackJobDegree: the DMS answer for one order at one moment, faults included.

export const JOB_STATUS_DESC: Record<JobState, string> = {
  INIT: 'init',
  LISTING: 'listing',
  LIST_SUCCESS: 'list success',
  DOWNLOADING: 'downloading',
  DOWNLOAD_FAIL: 'download fail',
  DOWNLOAD_SUCCESS: 'download success',
  FILTERING: 'searching',
  FILTER_FAIL: 'searching fail',
  FILTER_SUCCESS: 'searching success',
};

/**
 * The answer for `orderId` (with an optional `tid`) at `moment`. A ticket that is not approved has no
 * job yet: the scenario's not-started business error.
 */
export function planJobDegree(
  world: World,
  query: { readonly orderId: number; readonly tid: number | undefined },
  moment: Moment,
  requestId: string,
): PlannedAnswer {
  const found = lookUpDataTrack(world, query.orderId, query.tid, moment);
  if (found.kind === 'ticket' && !found.state.approved)
    return businessError(requestId, world.notStartedError);
  const order = found.kind === 'unknown' ? undefined : found.order;
  if (order === undefined) return businessError(requestId, unknownOrder(query.orderId));
  return faultAnswer(order.fault, requestId, () => degree(order, moment.position, requestId));
}

function degree(order: ScenarioOrder, position: number, requestId: string): PlannedAnswer {
  const progress = jobProgressAt(order, position);
  const status = order.fault?.kind === 'unknown_status' ? 'PAUSED' : progress.status;
  return success(requestId, {
    JobDegree: {
      JobStatus: status,
      StatusDesc: status === 'PAUSED' ? 'paused' : JOB_STATUS_DESC[progress.status],
      ListCompletionDegree: order.fault?.kind === 'bad_ratio' ? 1.7 : progress.list,
      DownloadCompletionDegree: progress.download,
      FilterCompletionDegree: progress.filter,
    },
  });
}
