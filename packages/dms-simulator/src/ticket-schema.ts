import { z } from 'zod';
import {
  flag,
  formatDuration,
  integer,
  list,
  mapping,
  oneOf,
  parseDuration,
  parseLocalTime,
  text,
  type ZonedTime,
} from 'yaml-files';
import {
  DATA_TRACK,
  END_STATUSES,
  RESULT_SCOPES,
  defaultDetail,
  type DataTrackDetail,
  type ScenarioTicket,
  type TimePoint,
} from './scenario.js';

// The `tickets` entries of the scenario file. Absolute times need the scenario's zone, which is a
// top-level key: this schema keeps them as written (`localMs`) and toScenarioTicket() applies the zone.

/** A time as written: an offset from the scenario's start, or wall-clock fields in the scenario's zone. */
type WrittenTime = { readonly offsetMs: number } | { readonly localMs: number };

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const MAX_OFFSET_MS = 10 * YEAR_MS;
const TIME_HINT = 'must be an offset such as -2d or 30s, or a time such as "2026-01-05 09:00:00"';

/** `-2d`, `30s`, `+1h`, `0` (offsets from the scenario's start) or `yyyy-MM-dd HH:mm:ss`. */
const writtenTime = z
  .preprocess(
    (value) => (typeof value === 'number' || typeof value === 'bigint' ? String(value) : value),
    z.string({ error: (i) => (i.input === undefined ? 'is required' : `${TIME_HINT}, got {value}`) }),
  )
  .transform((written, ctx): WrittenTime => {
    const localMs = parseLocalTime(written);
    if (localMs !== undefined) return { localMs };
    const sign = written.startsWith('-') ? -1 : 1;
    const ms = parseDuration(written.replace(/^[-+]/, ''));
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `${TIME_HINT}, got {value}` });
      return z.NEVER;
    }
    if (ms > MAX_OFFSET_MS) {
      ctx.addIssue({
        code: 'custom',
        message: `must be at most ${formatDuration(MAX_OFFSET_MS)} from the start, got {value}`,
      });
      return z.NEVER;
    }
    // `-0` is 0, not -0: offsets are compared and printed.
    return { offsetMs: ms === 0 ? 0 : sign * ms };
  });

/** `yyyy-MM-dd HH:mm:ss` only (a fixed moment, such as the scenario's start). */
export const localTime = z.preprocess(
  (value) => (typeof value === 'number' || typeof value === 'bigint' ? String(value) : value),
  z
    .string({
      error: (i) => (i.input === undefined ? 'is required' : 'must be a time such as "2026-01-05 09:00:00"'),
    })
    .transform((written, ctx) => {
      const localMs = parseLocalTime(written);
      if (localMs !== undefined) return localMs;
      ctx.addIssue({ code: 'custom', message: 'must be a time such as "2026-01-05 09:00:00", got {value}' });
      return z.NEVER;
    }),
);

const name = text(256);
const pluginType = text(64).pipe(
  z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]*$/, { error: 'must be a ticket type such as DATA_TRACK, got {value}' }),
);

const detailSchema = mapping({
  database: name.optional(),
  db_id: integer(1).optional(),
  schema: name.optional(),
  logic: flag().optional(),
  tables: list(name).min(1, { error: 'must not be empty' }).optional(),
  track_types: list(name).min(1, { error: 'must not be empty' }).optional(),
  job_start: writtenTime.optional(),
  job_end: writtenTime.optional(),
});

export const ticketSchema = mapping({
  id: integer(1),
  plugin_type: pluginType.default(DATA_TRACK),
  tid: integer(1).optional(),
  created: writtenTime.default({ offsetMs: 0 }),
  approved: writtenTime.optional(),
  end: mapping({ status: oneOf(END_STATUSES), at: writtenTime }).optional(),
  committer: name.default('simulator'),
  committer_id: integer(1).default(1),
  comment: text(4096).optional(),
  scopes: list(oneOf(RESULT_SCOPES)).min(1, { error: 'must not be empty' }).optional(),
  detail: detailSchema.optional(),
}).superRefine((t, ctx) => {
  for (const problem of ticketProblems(t)) ctx.addIssue({ code: 'custom', ...problem });
});

export type WrittenTicket = z.output<typeof ticketSchema>;

function ticketProblems(t: WrittenTicket): Array<{ path: string[]; message: string }> {
  const problems: Array<{ path: string[]; message: string }> = [];
  const dataTrack = t.plugin_type === DATA_TRACK;
  if (!dataTrack && t.detail !== undefined)
    problems.push({ path: ['detail'], message: `is only allowed with plugin_type ${DATA_TRACK}` });
  const status = t.end?.status;
  if (status === 'reject' && t.approved !== undefined)
    problems.push({ path: ['end', 'status'], message: 'cannot be reject: the ticket is approved' });
  if ((status === 'success' || status === 'fail') && dataTrack && t.approved !== undefined) {
    problems.push({
      path: ['end', 'status'],
      message: 'must be cancel or closed for an approved DATA_TRACK ticket (its job decides success or fail)',
    });
  } else if ((status === 'success' || status === 'fail') && t.approved === undefined) {
    problems.push({ path: ['end', 'status'], message: `cannot be ${status}: the ticket is never approved` });
  }
  if (isEarlier(t.approved, t.created))
    problems.push({ path: ['approved'], message: 'must not be earlier than created' });
  if (isEarlier(t.end?.at, t.created))
    problems.push({ path: ['end', 'at'], message: 'must not be earlier than created' });
  else if (isEarlier(t.end?.at, t.approved))
    problems.push({ path: ['end', 'at'], message: 'must not be earlier than approved' });
  return problems;
}

/** Only offsets can be compared before the simulator runs (an absolute time depends on the zone). */
function isEarlier(a: WrittenTime | undefined, b: WrittenTime | undefined): boolean {
  return a !== undefined && b !== undefined && 'offsetMs' in a && 'offsetMs' in b && a.offsetMs < b.offsetMs;
}

/** The ticket with its zone applied, defaults filled in and (unless it names one) its job's tid. */
export function toScenarioTicket(
  t: WrittenTicket,
  zone: ZonedTime,
  jobTid: number | undefined,
): ScenarioTicket {
  const at = (w: WrittenTime): TimePoint =>
    'offsetMs' in w ? { offsetMs: w.offsetMs } : { epochMs: zone.fromLocal(w.localMs) };
  const created = at(t.created);
  const ticket: ScenarioTicket = {
    id: t.id,
    pluginType: t.plugin_type,
    tid: t.tid ?? jobTid,
    created,
    approved: t.approved && at(t.approved),
    end: t.end && { status: t.end.status, at: at(t.end.at) },
    committer: t.committer,
    committerId: t.committer_id,
    comment: t.comment ?? '',
    scopes: t.scopes ?? RESULT_SCOPES,
  };
  if (t.plugin_type !== DATA_TRACK) return ticket;
  const d = t.detail;
  const fallback = defaultDetail({ id: t.id, created });
  const detail: DataTrackDetail = {
    databaseSearchName: d?.database ?? fallback.databaseSearchName,
    dbId: d?.db_id ?? fallback.dbId,
    schemaName: d?.schema ?? fallback.schemaName,
    logic: d?.logic ?? fallback.logic,
    tableNames: d?.tables ?? fallback.tableNames,
    trackTypes: d?.track_types ?? fallback.trackTypes,
    jobStart: d?.job_start ? at(d.job_start) : fallback.jobStart,
    jobEnd: d?.job_end ? at(d.job_end) : fallback.jobEnd,
  };
  return { ...ticket, detail };
}
