import type { Order } from './config/schema.js';

// The order model every layer above config shares: an order the exporter follows, and what
// discovery learned about its DMS ticket. Below dms/, discovery/ and collector/, so none of them
// has to reach into another for it.

/** The ticket states ListOrders reports (StatusCode), in the order the landing page lists them. */
export const TICKET_STATUSES = [
  'toaudit',
  'approved',
  'processing',
  'success',
  'fail',
  'reject',
  'cancel',
  'closed',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number] | 'unknown';

/** Statuses after which the ticket does not change any more. */
export const FINISHED_TICKET_STATUSES: ReadonlySet<TicketStatus> = new Set([
  'success',
  'fail',
  'reject',
  'cancel',
  'closed',
]);

/**
 * Statuses in which the ticket has no job to ask about: waiting for approval, or stopped before it
 * ran. Asking GetDataTrackJobDegree then only earns an error (docs/dms-api.md §10).
 */
export const NO_JOB_TICKET_STATUSES: ReadonlySet<TicketStatus> = new Set([
  'toaudit',
  'reject',
  'cancel',
  'closed',
]);

export function ticketStatus(code: string): TicketStatus {
  return (TICKET_STATUSES as readonly string[]).includes(code) ? (code as TicketStatus) : 'unknown';
}

/** What discovery learned about a ticket: ListOrders' row, and its detail once asked. */
export interface TicketInfo {
  readonly status: TicketStatus;
  readonly committer: string;
  readonly comment: string;
  /** ListOrders' CreateTime, Unix ms read in the profile's time zone; undefined when not readable. */
  readonly createdMs: number | undefined;
  readonly lastModifiedMs: number;
  /** When the ticket was approved, as well as ListOrders tells (discovery/approval.ts); undefined: unknown. */
  readonly approvedMs: number | undefined;
  readonly detail: TicketDetail | undefined;
}

export interface TicketDetail {
  readonly database: string;
  readonly tables: readonly string[];
  /** The binlog time range the job tracks, Unix ms; undefined when DMS sent no readable time. */
  readonly rangeStartMs: number | undefined;
  readonly rangeEndMs: number | undefined;
}

/** An order the exporter follows: written in the config, found by discovery, or probed by id (/probe). */
export type TrackedOrder =
  | (Order & { readonly source: 'config' | 'probe'; readonly ticket?: undefined })
  | (Order & { readonly source: 'discovery'; readonly ticket: TicketInfo });

export function configured(order: Order): TrackedOrder {
  return { ...order, source: 'config' };
}
