// The scenario model: which keys the gateway accepts, how each order's job moves over time, and which
// tickets ListOrders shows. Plain data; the YAML reader (scenario-file.ts) and demoScenario() produce it.

// The simulator's own copy of the DMS job states (src/dms/types.ts has the exporter's JobStatus): the
// simulator speaks the API from the documentation and imports nothing from the client side, on purpose.
export const JOB_STATES = [
  'INIT',
  'LISTING',
  'LIST_SUCCESS',
  'DOWNLOADING',
  'DOWNLOAD_FAIL',
  'DOWNLOAD_SUCCESS',
  'FILTERING',
  'FILTER_FAIL',
  'FILTER_SUCCESS',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export type Stage = 'list' | 'download' | 'filter';
export type Outcome = 'success' | 'download_fail' | 'filter_fail' | 'stall';

export type Fault =
  | { readonly kind: 'throttle' }
  | { readonly kind: 'internal_error' }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'malformed_json' }
  | { readonly kind: 'bad_ratio' }
  | { readonly kind: 'unknown_status' }
  | { readonly kind: 'business_error'; readonly code: string; readonly message: string };

export interface ScenarioCredential {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** When set, every call with this key must carry exactly this STS token. */
  readonly securityToken?: string | undefined;
  /** Actions this key may not call: the gateway answers 403 `Forbidden.RAM`, as for a RAM user without the permission. */
  readonly deny?: readonly string[] | undefined;
}

export interface ScenarioOrder {
  readonly id: number;
  /** When set, a call naming another Tid gets the unknown-order answer. */
  readonly tid?: number | undefined;
  /** A label for people (the demo exporter config uses it); the simulator ignores it. */
  readonly name?: string | undefined;
  readonly startMs: number;
  readonly listMs: number;
  readonly downloadMs: number;
  readonly filterMs: number;
  /** Time spent in LIST_SUCCESS and in DOWNLOAD_SUCCESS. */
  readonly pauseMs: number;
  readonly outcome: Outcome;
  /** Where a *_fail or stall outcome stops; undefined for success. */
  readonly stopAt?: { readonly stage: Stage; readonly ratio: number } | undefined;
  readonly fault?: Fault | undefined;
}

/** The ticket status codes of ListOrders (`StatusCode`). */
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
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Statuses a ticket can end in; `success` and `fail` of a data-tracking ticket come from its job. */
export const END_STATUSES = ['success', 'fail', 'reject', 'cancel', 'closed'] as const;
export type EndStatus = (typeof END_STATUSES)[number];

/** ListOrders' `OrderResultType`: whose tickets a call asks for. */
export const RESULT_SCOPES = ['AS_ADMIN', 'AS_COMMITTER', 'AS_HANDLER', 'AS_OWNER', 'AS_Related'] as const;
export type ResultScope = (typeof RESULT_SCOPES)[number];

export const DATA_TRACK = 'DATA_TRACK';

/** A moment: an offset from the scenario's start (may be negative), or a fixed instant. */
export type TimePoint = { readonly offsetMs: number } | { readonly epochMs: number };

/** GetDataTrackOrderDetail's fixed fields of a DATA_TRACK ticket. */
export interface DataTrackDetail {
  readonly databaseSearchName: string;
  readonly dbId: number;
  readonly schemaName: string;
  readonly logic: boolean;
  readonly tableNames: readonly string[];
  readonly trackTypes: readonly string[];
  /** The binlog time range the job tracks. */
  readonly jobStart: TimePoint;
  readonly jobEnd: TimePoint;
}

export interface ScenarioTicket {
  /** A DATA_TRACK ticket with the id of an entry in `orders` is that job's ticket. */
  readonly id: number;
  /** `DATA_TRACK`, `DATA_CORRECT`, `DATA_EXPORT`, ... */
  readonly pluginType: string;
  /** When set, a call naming another Tid does not see the ticket. */
  readonly tid?: number | undefined;
  readonly created: TimePoint;
  /** The ticket is `toaudit` from `created` until this moment; never approved when undefined. */
  readonly approved?: TimePoint | undefined;
  /** The ticket's final status and when it is reached (for a linked job, the job decides success/fail). */
  readonly end?: { readonly status: EndStatus; readonly at: TimePoint } | undefined;
  readonly committer: string;
  readonly committerId: number;
  readonly comment: string;
  /** The OrderResultType values whose calls list the ticket. */
  readonly scopes: readonly ResultScope[];
  /** DATA_TRACK only; defaults from defaultDetail() when undefined. */
  readonly detail?: DataTrackDetail | undefined;
}

/** A business error (HTTP 200, `Success: false`). */
export interface BusinessError {
  readonly code: string;
  readonly message: string;
}

/** A fault of ListOrders, active from `fromMs` (inclusive) until `untilMs` (exclusive) on the timeline. */
export type ListOrdersFault = Extract<
  Fault,
  { kind: 'throttle' | 'internal_error' | 'unavailable' | 'slow' | 'malformed_json' | 'business_error' }
> & { readonly fromMs: number; readonly untilMs?: number | undefined };

export interface Scenario {
  readonly credentials: readonly ScenarioCredential[];
  /** The timeline wraps after this long (elapsed mod period), so a demo keeps moving. */
  readonly repeatEveryMs?: number | undefined;
  readonly orders: readonly ScenarioOrder[];
  /** IANA zone of every `yyyy-MM-dd HH:mm:ss` time; default DEFAULT_TIME_ZONE. */
  readonly timeZone?: string | undefined;
  /** The scenario's start on the ticket clock (epoch ms); default: the wall clock minus the elapsed time. */
  readonly startEpochMs?: number | undefined;
  readonly tickets?: readonly ScenarioTicket[] | undefined;
  readonly listOrders?:
    { readonly maxPageSize: number; readonly fault?: ListOrdersFault | undefined } | undefined;
  /** GetDataTrackJobDegree's answer for a data-tracking ticket whose job does not exist yet. */
  readonly notStartedError?: BusinessError | undefined;
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
export const DEFAULT_MAX_PAGE_SIZE = 100;
export const DEFAULT_NOT_STARTED_ERROR: BusinessError = {
  code: 'UnknownError',
  message: 'The data tracking job of this order has not been created: the ticket is not approved.',
};

/** The detail of a DATA_TRACK ticket that names none: one table, every change type, the hour before it. */
export function defaultDetail(ticket: Pick<ScenarioTicket, 'id' | 'created'>): DataTrackDetail {
  const before = (ms: number): TimePoint =>
    'offsetMs' in ticket.created
      ? { offsetMs: ticket.created.offsetMs - ms }
      : { epochMs: ticket.created.epochMs - ms };
  return {
    databaseSearchName: 'simulated@127.0.0.1:3306',
    dbId: ticket.id,
    schemaName: 'simulated',
    logic: false,
    tableNames: ['orders'],
    trackTypes: ['INSERT', 'UPDATE', 'DELETE'],
    jobStart: before(60 * 60 * 1000),
    jobEnd: before(0),
  };
}

/** The stage where an outcome stops, if it is fixed by the outcome itself. */
export function failingStage(outcome: Outcome): Stage | undefined {
  if (outcome === 'download_fail') return 'download';
  if (outcome === 'filter_fail') return 'filter';
  return undefined;
}
