import { MappingType, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import type { TicketStatus } from '../../src/orders.js';

/**
 * The job states DMS reports, plus UNKNOWN (a state the exporter does not know) and NO_ANSWER (the
 * dashboard's own word for up=0: the scrape got no answer, so there is no state). Colours: blue
 * while working, green for finished stages, red for the two failures.
 */
export const STATE_COLOURS = {
  INIT: 'light-blue',
  LISTING: 'blue',
  LIST_SUCCESS: 'light-green',
  DOWNLOADING: 'blue',
  DOWNLOAD_FAIL: 'red',
  DOWNLOAD_SUCCESS: 'light-green',
  FILTERING: 'blue',
  FILTER_FAIL: 'red',
  FILTER_SUCCESS: 'green',
  UNKNOWN: 'orange',
  NO_ANSWER: 'purple',
} as const;

/**
 * The status table's word for a discovered ticket that has no job to ask about (waiting for
 * approval, rejected, cancelled or closed): no `up` series, so neither a state nor NO_ANSWER.
 */
export const NO_JOB = 'NO_JOB';

/**
 * Ticket states as ListOrders reports them (lower case, so they never collide with the job states):
 * yellow while waiting for approval, blue while approved or running, green and red for the job's
 * outcome, orange for a rejected ticket or a state the exporter does not know.
 */
const TICKET_COLOURS = {
  toaudit: 'yellow',
  approved: 'light-blue',
  processing: 'blue',
  success: 'green',
  fail: 'red',
  reject: 'orange',
  cancel: 'transparent',
  closed: 'transparent',
  unknown: 'orange',
} as const satisfies Record<TicketStatus, string>;

function textMapping(colours: Readonly<Record<string, string>>): ValueMapping {
  const options = Object.fromEntries(
    Object.entries(colours).map(([state, color], index) => [state, { color, index }] as const),
  );
  return { type: MappingType.ValueToText, options };
}

/** Colours a text field holding a job state (the status table's `status` column), NO_JOB included. */
export function stateValueMapping(): ValueMapping {
  return textMapping({ ...STATE_COLOURS, [NO_JOB]: 'transparent' });
}

/** Colours a text field holding a ticket state (the `ticket` column). */
export function ticketValueMapping(): ValueMapping {
  return textMapping(TICKET_COLOURS);
}
