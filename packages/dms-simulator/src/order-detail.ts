import { businessError, success, type PlannedAnswer } from './answer.js';
import { JOB_STATUS_DESC } from './job-degree.js';
import { defaultDetail } from './scenario.js';
import { positionOf, type Moment } from './tickets.js';
import { jobProgressAt } from './timeline.js';
import { lookUpDataTrack, unknownOrder, type World } from './world.js';

// GetDataTrackOrderDetail: what a DATA_TRACK ticket tracks (database, tables, binlog time range) and,
// once it is approved, its job's status.

export function planOrderDetail(
  world: World,
  query: { readonly orderId: number; readonly tid: number | undefined },
  moment: Moment,
  requestId: string,
): PlannedAnswer {
  const found = lookUpDataTrack(world, query.orderId, query.tid, moment);
  // A job without a ticket in the scenario has no detail to show: only tickets have one.
  if (found.kind !== 'ticket') return businessError(requestId, unknownOrder(query.orderId));
  const { ticket, state, order } = found;
  const detail = ticket.detail ?? defaultDetail(ticket);
  const time = (point: typeof detail.jobStart): string =>
    world.zone.format(moment.cycleStartMs + positionOf(point, moment));
  // Before approval there is no job: JobStatus and StatusDesc are left out, as DMS leaves out nulls.
  const job =
    state.approved && order !== undefined ? jobProgressAt(order, moment.position).status : undefined;
  return success(requestId, {
    DataTrackOrderDetail: {
      DatabaseSearchName: detail.databaseSearchName,
      DbId: detail.dbId,
      SchemaName: detail.schemaName,
      Logic: detail.logic,
      TableNames: detail.tableNames,
      TrackTypes: detail.trackTypes,
      JobStartTime: time(detail.jobStart),
      JobEndTime: time(detail.jobEnd),
      ...(job === undefined ? {} : { JobStatus: job, StatusDesc: JOB_STATUS_DESC[job] }),
    },
  });
}
