import {
  DATA_TRACK,
  type ScenarioOrder,
  type ScenarioTicket,
  type TicketStatus,
  type TimePoint,
} from './scenario.js';
import { jobEndAt, timelinePosition } from './timeline.js';

// Where a ticket is at a given moment: a pure function of the ticket, its job and the timeline.

/** A moment of the scenario: where the timeline is, and when (on the ticket clock) it started. */
export interface Moment {
  /** Milliseconds since the start of the current cycle (wrapped by repeat_every). */
  readonly position: number;
  /** Epoch ms of position 0. */
  readonly cycleStartMs: number;
}

/**
 * The moment `elapsedMs` into the scenario. The ticket clock is the wall clock (`nowMs`) unless the
 * scenario fixes its start (`startEpochMs`), so that answers do not depend on when a test runs.
 */
export function momentAt(
  elapsedMs: number,
  nowMs: number,
  timing: { readonly repeatEveryMs?: number | undefined; readonly startEpochMs?: number | undefined },
): Moment {
  const position = timelinePosition(elapsedMs, timing.repeatEveryMs);
  const clock = timing.startEpochMs === undefined ? nowMs : timing.startEpochMs + Math.max(0, elapsedMs);
  return { position, cycleStartMs: clock - position };
}

/** A time point as a position on the current cycle of the timeline. */
export function positionOf(point: TimePoint, moment: Moment): number {
  return 'offsetMs' in point ? point.offsetMs : point.epochMs - moment.cycleStartMs;
}

export interface TicketState {
  readonly status: TicketStatus;
  /** Position of the last status change (the ticket's LastModifyTime). */
  readonly changedAt: number;
  /** Position of its creation (CreateTime). */
  readonly createdAt: number;
  /** True once the ticket was approved: its data-tracking job exists. */
  readonly approved: boolean;
}

interface Step {
  readonly at: number;
  readonly status: TicketStatus;
}

const AFTER_APPROVAL: ReadonlySet<TicketStatus> = new Set(['approved', 'processing', 'success', 'fail']);

/** The ticket at `moment`, or undefined before it is created (it does not exist yet). */
export function ticketStateAt(
  ticket: ScenarioTicket,
  job: ScenarioOrder | undefined,
  moment: Moment,
): TicketState | undefined {
  const createdAt = positionOf(ticket.created, moment);
  if (moment.position < createdAt) return undefined;
  let current: Step = { at: createdAt, status: 'toaudit' };
  let approved = false;
  for (const step of steps(ticket, job, createdAt, moment)) {
    if (step.at > moment.position) break;
    current = step;
    approved ||= AFTER_APPROVAL.has(step.status);
  }
  return { status: current.status, changedAt: current.at, createdAt, approved };
}

/** The status changes after creation, in time order. Times earlier than the one before are moved up. */
function steps(
  ticket: ScenarioTicket,
  job: ScenarioOrder | undefined,
  createdAt: number,
  moment: Moment,
): Step[] {
  const changes: Step[] = [];
  if (ticket.approved !== undefined) {
    const approvedAt = Math.max(createdAt, positionOf(ticket.approved, moment));
    changes.push(...afterApproval(ticket, job, approvedAt));
  }
  const end = ticket.end;
  if (end === undefined) return changes;
  const endAt = Math.max(createdAt, positionOf(end.at, moment));
  return [...changes.filter((s) => s.at < endAt), { at: endAt, status: end.status }];
}

function afterApproval(ticket: ScenarioTicket, job: ScenarioOrder | undefined, approvedAt: number): Step[] {
  if (ticket.pluginType !== DATA_TRACK) return [{ at: approvedAt, status: 'processing' }];
  if (job === undefined) return [{ at: approvedAt, status: 'approved' }];
  // Approved, then processing while the job runs (INIT is still `approved`), then the job's outcome.
  const started = Math.max(approvedAt, job.startMs);
  const result: Step[] = [{ at: approvedAt, status: started > approvedAt ? 'approved' : 'processing' }];
  if (started > approvedAt) result.push({ at: started, status: 'processing' });
  const end = jobEndAt(job);
  if (end !== undefined) {
    result.push({ at: Math.max(started, end.atMs), status: end.failed ? 'fail' : 'success' });
  }
  return result;
}
