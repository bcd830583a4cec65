import { formatDuration } from 'yaml-files';
import { DATA_TRACK, type ScenarioOrder } from './scenario.js';
import type { WrittenTicket } from './ticket-schema.js';

// How tickets and jobs fit together: a DATA_TRACK ticket with the id of an `orders` entry is that
// job's ticket. These checks run on the whole file, after each ticket and order has been read.

export interface LinkProblem {
  readonly path: Array<string | number>;
  readonly message: string;
}

export function ticketJobProblems(
  tickets: readonly WrittenTicket[],
  orders: readonly ScenarioOrder[],
): LinkProblem[] {
  const jobIndex = new Map(orders.map((o, index) => [o.id, index]));
  return tickets.flatMap((ticket, index) => {
    const j = jobIndex.get(ticket.id);
    return linkProblems(ticket, j === undefined ? undefined : { index: j, order: orders[j] }).map((p) => ({
      path: ['tickets', index, ...p.path],
      message: p.message,
    }));
  });
}

function linkProblems(
  ticket: WrittenTicket,
  job: { index: number; order: ScenarioOrder | undefined } | undefined,
): LinkProblem[] {
  if (ticket.plugin_type !== DATA_TRACK) {
    return job === undefined
      ? []
      : [
          {
            path: ['plugin_type'],
            message: `must be ${DATA_TRACK}: orders[${job.index}] is a job with this id`,
          },
        ];
  }
  if (job?.order === undefined) {
    return ticket.approved === undefined
      ? []
      : [{ path: ['approved'], message: `needs a job: orders has no entry with id ${ticket.id}` }];
  }
  const problems: LinkProblem[] = [];
  const { order, index } = job;
  if (ticket.tid !== undefined && order.tid !== undefined && ticket.tid !== order.tid) {
    problems.push({ path: ['tid'], message: `must equal orders[${index}].tid (${order.tid})` });
  }
  const approved = ticket.approved;
  if (approved !== undefined && 'offsetMs' in approved && approved.offsetMs > order.startMs) {
    problems.push({
      path: ['approved'],
      message: `must not be later than the start of its job (orders[${index}].start: ${formatDuration(order.startMs)})`,
    });
  }
  return problems;
}
