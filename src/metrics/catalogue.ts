/**
 * Every metric this exporter writes, with its help text: the one place names are spelled.
 * Tests check the alert rules and the dashboard against `ALL_METRIC_NAMES`.
 */
const PREFIX = 'aliyun_dms_datatrack_';

export const METRICS = {
  up: {
    name: `${PREFIX}up`,
    help: 'Whether this scrape got a valid answer from DMS for the order (1) or not (0). When 0, the order has no completion or status series in this scrape.',
  },
  stageCompletionRatio: {
    name: `${PREFIX}stage_completion_ratio`,
    help: 'Completion of one stage of the data-tracking job (list, download, filter) from 0 to 1, as DMS GetDataTrackJobDegree reports it. Jobs in a final state are answered from memory until scrape.terminal_recheck passes.',
  },
  jobStatus: {
    name: `${PREFIX}job_status`,
    help: 'Current state of the data-tracking job: 1 for the state DMS reports, 0 for the others (UNKNOWN: a state this exporter does not know). Jobs in a final state (FILTER_SUCCESS, DOWNLOAD_FAIL, FILTER_FAIL) are answered from memory until scrape.terminal_recheck passes.',
  },
  lastSuccessTimestamp: {
    name: `${PREFIX}last_success_timestamp_seconds`,
    help: 'Unix time of the last valid DMS answer for the order (kept across scrapes; a final-state answer served from memory keeps the time it was fetched).',
  },
  orderInfo: {
    name: `${PREFIX}order_info`,
    help: "Followed data-tracking orders (always 1): display name, profile, tenant id, source (config or discovery), for discovered tickets committer, comment (cut to 120 characters) and database, and the ticket's link when the profile has a console_url.",
  },
  orderErrorInfo: {
    name: `${PREFIX}order_error_info`,
    help: 'Why this scrape has no answer for the order (only present when up is 0): an Alibaba error code, or timeout, network, proxy_refused, proxy_auth, proxy_timeout, http_<status>, malformed_response, other.',
  },
  ticketStatus: {
    name: `${PREFIX}ticket_status`,
    help: 'State of a discovered ticket as ListOrders reports it: 1 for the current state, 0 for the others (toaudit: waiting for approval; unknown: a state this exporter does not know).',
  },
  trackedRangeStart: {
    name: `${PREFIX}tracked_range_start_timestamp_seconds`,
    help: 'Start of the binlog time range a discovered ticket tracks (GetDataTrackOrderDetail JobStartTime), Unix time.',
  },
  trackedRangeEnd: {
    name: `${PREFIX}tracked_range_end_timestamp_seconds`,
    help: 'End of the binlog time range a discovered ticket tracks (GetDataTrackOrderDetail JobEndTime), Unix time.',
  },
  trackedTables: {
    name: `${PREFIX}tracked_tables`,
    help: 'Number of tables a discovered ticket tracks (GetDataTrackOrderDetail TableNames).',
  },
  jobStatusSince: {
    name: `${PREFIX}job_status_since_timestamp_seconds`,
    help: 'When the job entered its current state, Unix time, dated halfway between the last answer before the change and the first after it. Absent until the exporter sees a change (a job already in its state when the exporter started, or a change hidden by a gap of more than 10 minutes between answers).',
  },
  jobStarted: {
    name: `${PREFIX}job_started_timestamp_seconds`,
    help: 'When the job left INIT (the start of its list stage), Unix time, dated as job_status_since_timestamp_seconds. Absent when the exporter did not see it.',
  },
  stageDuration: {
    name: `${PREFIX}stage_duration_seconds`,
    help: "How long each stage of the job's current run took, success or failure, once it ended: from the end of the stage before (for list, the job leaving INIT) to the end of its own work. Only stages whose both ends the exporter saw.",
  },
  jobDuration: {
    name: `${PREFIX}job_duration_seconds`,
    help: 'How long a finished job took, from leaving INIT to its final state. Only when the exporter saw both.',
  },
  ticketCreated: {
    name: `${PREFIX}ticket_created_timestamp_seconds`,
    help: "When a discovered ticket was submitted: ListOrders' CreateTime, Unix time.",
  },
  ticketApproved: {
    name: `${PREFIX}ticket_approved_timestamp_seconds`,
    help: "When a discovered ticket was approved, as ListOrders tells it (DMS reports no approval time): its LastModifyTime as first seen approved (the approval) or processing (the job's start, at or after the approval). Absent for a ticket never seen in either state.",
  },
  scrapeDuration: {
    name: `${PREFIX}scrape_duration_seconds`,
    help: 'Time this scrape spent asking DMS about all orders.',
  },
  scrapeTimeout: {
    name: `${PREFIX}scrape_timeout_seconds`,
    help: "Time budget of this scrape's DMS calls: scrape.timeout, lowered by Prometheus' X-Prometheus-Scrape-Timeout-Seconds minus scrape.timeout_offset.",
  },
  apiRequests: {
    name: `${PREFIX}api_requests_total`,
    help: 'DMS OpenAPI calls made, by action.',
  },
  apiRequestErrors: {
    name: `${PREFIX}api_request_errors_total`,
    help: 'DMS OpenAPI calls that gave no valid answer, by action and error code (Alibaba code such as Throttling.User, or timeout, network, proxy_refused, proxy_auth, proxy_timeout, http_<status>, malformed_response, other).',
  },
  apiRequestDuration: {
    name: `${PREFIX}api_request_duration_seconds`,
    help: 'Duration of DMS OpenAPI calls, by action.',
  },
  answersReused: {
    name: `${PREFIX}answers_reused_total`,
    help: 'Order answers served without a DMS call of their own: in_flight (shared with a concurrent scrape), terminal_cache (a final-state job within scrape.terminal_recheck), fresh (asked less than scrape.min_interval ago), stale (not refreshed in time, last answer younger than scrape.max_age).',
  },
  apiRetries: {
    name: `${PREFIX}api_retries_total`,
    help: 'DMS calls made again once, after a throttling, 5xx or network failure, by action and the code that caused the retry.',
  },
  rateLimitWait: {
    name: `${PREFIX}rate_limit_wait_seconds`,
    help: "Time DMS calls waited for their profile's client-side rate limit (profiles.<name>.rate_limit).",
  },
  completedStageDuration: {
    name: `${PREFIX}completed_stage_duration_seconds`,
    help: 'Durations of job stages that ended successfully while the exporter watched both their ends, by profile and stage (the baseline of the ETA rules).',
  },
  completedJobDuration: {
    name: `${PREFIX}completed_job_duration_seconds`,
    help: 'Durations of jobs that reached FILTER_SUCCESS while the exporter watched them from leaving INIT, by profile.',
  },
  discoveredOrders: {
    name: `${PREFIX}discovered_orders`,
    help: 'Data-tracking tickets the last successful ticket discovery of the profile follows (profiles.<name>.discovery).',
  },
  discoveryLeftOut: {
    name: `${PREFIX}discovery_orders_left_out`,
    help: 'Tickets the last discovery of the profile found but left out because of discovery.max_orders (the newest are followed).',
  },
  discoveryWithoutDetail: {
    name: `${PREFIX}discovery_orders_without_detail`,
    help: 'Tickets the last successful discovery of the profile follows whose detail (database, tables, tracked range) is not read yet: discovery.details_per_run are asked per run.',
  },
  discoveryLastSuccess: {
    name: `${PREFIX}discovery_last_success_timestamp_seconds`,
    help: 'Unix time of the last successful ticket discovery of the profile.',
  },
  discoveryDuration: {
    name: `${PREFIX}discovery_duration_seconds`,
    help: "Duration of ticket discovery runs (every ListOrders page and the new tickets' details).",
  },
  discoveryErrors: {
    name: `${PREFIX}discovery_errors_total`,
    help: 'Ticket discovery runs that failed, by the code of the failing call; the last good list is kept.',
  },
  buildInfo: {
    name: `${PREFIX}exporter_build_info`,
    help: 'Version of the exporter (always 1).',
  },
  configReloadSuccessful: {
    name: `${PREFIX}config_last_reload_successful`,
    help: 'Whether the last configuration reload succeeded (1) or failed and the previous configuration is still in use (0).',
  },
  webTlsCertificateNotAfter: {
    name: `${PREFIX}web_tls_certificate_not_after_timestamp_seconds`,
    help: "Unix time at which the TLS server certificate (the first in the web config's cert_file) expires: its NotAfter. Only with TLS; updated when the certificate files are read again.",
  },
  configReloadTimestamp: {
    name: `${PREFIX}config_last_reload_success_timestamp_seconds`,
    help: 'Unix time of the last successful configuration load.',
  },
} as const;

export const ALL_METRIC_NAMES: readonly string[] = Object.values(METRICS).map((m) => m.name);
