import type { z } from 'zod';
import {
  decimal,
  duration,
  integer,
  isTimeZone,
  list,
  LONGEST_TIMER_MS,
  mapping,
  oneOf,
  text,
  zonedTime,
} from 'yaml-files';
import { ACTION_NAMES } from './dispatch.js';
import { listOrdersFaultSchema, orderFaultSchema } from './fault-schema.js';
import {
  DEFAULT_MAX_PAGE_SIZE,
  DEFAULT_NOT_STARTED_ERROR,
  DEFAULT_TIME_ZONE,
  failingStage,
  type Outcome,
  type Scenario,
  type ScenarioOrder,
} from './scenario.js';
import { localTime, ticketSchema, toScenarioTicket } from './ticket-schema.js';
import { ticketJobProblems } from './ticket-links.js';

// The scenario file's schema: snake_case keys, strict mappings, defaults, cross-field rules. It turns
// YAML values into the camelCase Scenario; scenario-file.ts adds file names and lines to the messages.

const name = text(256);
const positiveInt = integer(1);
const span = duration({ max: LONGEST_TIMER_MS });
const stage = oneOf(['list', 'download', 'filter']);
const outcome = oneOf(['success', 'download_fail', 'filter_fail', 'stall']);
const ratio = decimal(0, 1);

const orderSchema = mapping({
  id: positiveInt,
  tid: positiveInt.optional(),
  name: name.optional(),
  start: span.optional(),
  list: span.optional(),
  download: span.optional(),
  filter: span.optional(),
  pause: span.optional(),
  outcome: outcome.default('success'),
  stop_at: mapping({ stage: stage.optional(), ratio }).optional(),
  fault: orderFaultSchema.optional(),
})
  .superRefine((o, ctx) => {
    const problem = stopAtProblem(o.outcome, o.stop_at?.stage, o.stop_at !== undefined);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  })
  .transform((o): ScenarioOrder => ({
    id: o.id,
    tid: o.tid,
    name: o.name,
    startMs: o.start ?? 0,
    listMs: o.list ?? 20_000,
    downloadMs: o.download ?? 60_000,
    filterMs: o.filter ?? 30_000,
    pauseMs: o.pause ?? 2_000,
    outcome: o.outcome,
    stopAt:
      o.stop_at === undefined
        ? undefined
        : { stage: o.stop_at.stage ?? failingStage(o.outcome) ?? 'list', ratio: o.stop_at.ratio },
    fault: o.fault,
  }));

function stopAtProblem(
  outcome: Outcome,
  stopStage: string | undefined,
  hasStopAt: boolean,
): { path: string[]; message: string } | undefined {
  if (outcome === 'success') {
    return hasStopAt
      ? { path: ['stop_at'], message: 'is only allowed with outcome download_fail, filter_fail or stall' }
      : undefined;
  }
  if (!hasStopAt) return { path: ['stop_at'], message: `is required with outcome ${outcome}` };
  const fixed = failingStage(outcome);
  if (fixed === undefined && stopStage === undefined) {
    return { path: ['stop_at', 'stage'], message: 'is required with outcome stall' };
  }
  if (fixed !== undefined && stopStage !== undefined && stopStage !== fixed) {
    return { path: ['stop_at', 'stage'], message: `must be ${fixed} with outcome ${outcome}` };
  }
  return undefined;
}

const credentialSchema = mapping({
  access_key_id: name,
  access_key_secret: name,
  security_token: text(16 * 1024).optional(),
  deny: list(oneOf(ACTION_NAMES)).optional(),
});

const timeZone = text(64).refine(isTimeZone, {
  error: 'must be an IANA time zone such as Asia/Shanghai or UTC, got {value}',
});

export const scenarioSchema = mapping(
  {
    credentials: list(credentialSchema).min(1, { error: 'must not be empty' }),
    repeat_every: duration({ above: 0, max: LONGEST_TIMER_MS }).optional(),
    timezone: timeZone.default(DEFAULT_TIME_ZONE),
    start_time: localTime.optional(),
    orders: list(orderSchema),
    tickets: list(ticketSchema).default([]),
    list_orders: mapping({
      max_page_size: integer(1, 10_000).default(DEFAULT_MAX_PAGE_SIZE),
      fault: listOrdersFaultSchema.optional(),
    }).optional(),
    not_started_error: mapping({ code: name.optional(), message: name.optional() }).optional(),
  },
  'the top level must be a mapping (credentials, repeat_every, timezone, start_time, orders, tickets, list_orders, not_started_error), got {value}',
)
  .superRefine((s, ctx) => {
    reportDuplicates(
      s.credentials.map((c) => c.access_key_id),
      ['credentials'],
      'access_key_id',
      ctx,
    );
    reportDuplicates(
      s.orders.map((o) => o.id),
      ['orders'],
      'id',
      ctx,
    );
    reportDuplicates(
      s.tickets.map((t) => t.id),
      ['tickets'],
      'id',
      ctx,
    );
    for (const problem of ticketJobProblems(s.tickets, s.orders))
      ctx.addIssue({ code: 'custom', ...problem });
  })
  .transform((s): Scenario => {
    const zone = zonedTime(s.timezone);
    const jobs = new Map(s.orders.map((o) => [o.id, o]));
    return {
      credentials: s.credentials.map((c) => ({
        accessKeyId: c.access_key_id,
        accessKeySecret: c.access_key_secret,
        securityToken: c.security_token,
        deny: c.deny,
      })),
      repeatEveryMs: s.repeat_every,
      orders: s.orders,
      timeZone: s.timezone,
      startEpochMs: s.start_time === undefined ? undefined : zone.fromLocal(s.start_time),
      tickets: s.tickets.map((t) => toScenarioTicket(t, zone, jobs.get(t.id)?.tid)),
      listOrders: s.list_orders && { maxPageSize: s.list_orders.max_page_size, fault: s.list_orders.fault },
      notStartedError: {
        code: s.not_started_error?.code ?? DEFAULT_NOT_STARTED_ERROR.code,
        message: s.not_started_error?.message ?? DEFAULT_NOT_STARTED_ERROR.message,
      },
    };
  });

function reportDuplicates(
  values: ReadonlyArray<string | number>,
  path: string[],
  key: string,
  ctx: z.RefinementCtx,
): void {
  const first = new Map<string | number, number>();
  values.forEach((value, index) => {
    const earlier = first.get(value);
    if (earlier === undefined) first.set(value, index);
    else
      ctx.addIssue({
        code: 'custom',
        path: [...path, index, key],
        message: `duplicates ${path.join('.')}[${earlier}]`,
      });
  });
}
