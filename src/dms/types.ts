import type { Result } from 'yaml-files/basics';

/** The nine states DMS reports for a data-tracking job, in pipeline order. */
export const JOB_STATUSES = [
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

export type DmsJobStatus = (typeof JOB_STATUSES)[number];

/** What we expose: a DMS state, or UNKNOWN for a value this exporter does not know (a newer DMS). */
export type JobStatus = DmsJobStatus | 'UNKNOWN';

/** States after which DMS does not change the job any more. */
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set<JobStatus>([
  'FILTER_SUCCESS',
  'DOWNLOAD_FAIL',
  'FILTER_FAIL',
]);

export function isDmsJobStatus(value: string): value is DmsJobStatus {
  return (JOB_STATUSES as readonly string[]).includes(value);
}

/** A ratio known to lie in [0, 1]; only `answer.ts` makes one. */
export type Ratio = number & { readonly __ratio: unique symbol };

export interface JobDegree {
  readonly status: JobStatus;
  /** The status text exactly as DMS sent it; differs from `status` only when that is UNKNOWN. */
  readonly rawStatus: string;
  readonly statusDesc: string;
  readonly listRatio: Ratio;
  readonly downloadRatio: Ratio;
  readonly filterRatio: Ratio;
  readonly requestId: string | undefined;
}

/**
 * Why a call gave no usable answer. `code` is bounded: an Alibaba error code (`Throttling.User`,
 * `SignatureDoesNotMatch`, a DMS `ErrorCode`), or one of ours: `timeout`, `network`, `proxy_refused`,
 * `proxy_auth`, `proxy_timeout`, `http_<status>`, `malformed_response`, `other`. It becomes a label value, so it never carries free text.
 */
export interface DmsError {
  readonly code: string;
  /** For logs: never contains credentials (see `redact.ts`). */
  readonly message: string;
  readonly requestId: string | undefined;
}

export type DmsResult = Result<JobDegree, DmsError>;

export interface JobDegreeRequest {
  readonly orderId: number;
  readonly tid: number | undefined;
}

export interface CallOptions {
  /** Aborting resolves the call at once with code `timeout`. */
  readonly signal: AbortSignal;
  /** Upper bound for the HTTP exchange: transport.ts destroys a request not answered by then (`timeout`). */
  readonly timeoutMs: number;
}

/** One ticket as ListOrders lists it. Times are DMS's zone-less `yyyy-MM-dd HH:mm:ss`. */
export interface TicketSummary {
  readonly orderId: number;
  readonly pluginType: string;
  /** fail, toaudit, cancel, processing, approved, reject, success, closed (or a newer word). */
  readonly statusCode: string;
  readonly statusDesc: string;
  readonly comment: string;
  readonly committer: string;
  readonly committerId: string;
  readonly createTime: string;
  readonly lastModifyTime: string;
}

export interface OrderPage {
  readonly totalCount: number;
  readonly orders: readonly TicketSummary[];
  readonly requestId: string | undefined;
}

export interface ListOrdersQuery {
  readonly pluginType: string;
  readonly scope: string;
  readonly status: string;
  /** Creation-time window, in DMS's `yyyy-MM-dd HH:mm:ss` (the zone is the caller's business). */
  readonly startTime: string;
  readonly endTime: string;
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly tid: number | undefined;
}

/** What a data-tracking ticket tracks; it does not change once the ticket exists. */
export interface TrackDetail {
  readonly database: string;
  readonly schema: string;
  readonly tables: readonly string[];
  readonly trackTypes: readonly string[];
  /** The binlog time range tracked, zone-less like every DMS time. */
  readonly jobStartTime: string;
  readonly jobEndTime: string;
}

/** The DMS API seam. Implementations never throw: every failure is an error value. */
export interface DmsClient {
  getJobDegree(request: JobDegreeRequest, options: CallOptions): Promise<DmsResult>;
  listOrders(query: ListOrdersQuery, options: CallOptions): Promise<Result<OrderPage, DmsError>>;
  getOrderDetail(request: JobDegreeRequest, options: CallOptions): Promise<Result<TrackDetail, DmsError>>;
}

export const ACTION_GET_JOB_DEGREE = 'GetDataTrackJobDegree';
export const ACTION_LIST_ORDERS = 'ListOrders';
export const ACTION_GET_ORDER_DETAIL = 'GetDataTrackOrderDetail';
export const ACTIONS = [ACTION_GET_JOB_DEGREE, ACTION_LIST_ORDERS, ACTION_GET_ORDER_DETAIL] as const;

/** The answer for an order whose call did not finish within the scrape's deadline. */
export const DEADLINE_ERROR: DmsError = {
  code: 'timeout',
  message: 'scrape deadline reached before DMS answered',
  requestId: undefined,
};

/** The answer for a call still waiting for its profile's rate limit when the deadline came. */
export const RATE_LIMIT_ERROR: DmsError = {
  code: 'rate_limited',
  message: "the profile's rate limit left no room for this call before the scrape deadline",
  requestId: undefined,
};
