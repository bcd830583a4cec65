import { z } from 'zod';
import { LONGEST_TIMER_MS, duration, integer, list, mapping, oneOf, text } from '../yaml/fields.js';
import { failingStage, type Fault, type Outcome, type Scenario, type ScenarioOrder } from './scenario.js';

// The scenario file's schema: snake_case keys, strict mappings, defaults, cross-field rules. It turns
// YAML values into the camelCase Scenario; scenario-file.ts adds file names and lines to the messages.

const name = text(256);
const positiveInt = integer(1);
const span = duration({ max: LONGEST_TIMER_MS });
const stage = oneOf(['list', 'download', 'filter']);
const outcome = oneOf(['success', 'download_fail', 'filter_fail', 'stall']);
const faultKind = oneOf([
  'throttle',
  'internal_error',
  'unavailable',
  'slow',
  'malformed_json',
  'bad_ratio',
  'unknown_status',
  'business_error',
]);

const faultSchema = mapping({
  kind: faultKind,
  delay: span.optional(),
  code: name.optional(),
  message: name.optional(),
})
  .superRefine((f, ctx) => {
    if (f.kind !== 'slow' && f.delay !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['delay'], message: 'is only allowed with kind slow' });
    }
    for (const key of ['code', 'message'] as const) {
      if (f.kind !== 'business_error' && f[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'is only allowed with kind business_error' });
      }
    }
  })
  .transform((f): Fault => {
    if (f.kind === 'slow') return { kind: 'slow', delayMs: f.delay ?? 5_000 };
    if (f.kind === 'business_error') {
      return {
        kind: 'business_error',
        code: f.code ?? 'UnknownError',
        message: f.message ?? 'simulated business error',
      };
    }
    return { kind: f.kind };
  });

const ratioError = (i: { input?: unknown }): string =>
  i.input === undefined ? 'is required' : 'must be a number from 0 to 1, got {value}';
const ratio = z.number({ error: ratioError }).min(0, { error: ratioError }).max(1, { error: ratioError });

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
  fault: faultSchema.optional(),
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
});

export const scenarioSchema = mapping(
  {
    credentials: list(credentialSchema).min(1, { error: 'must not be empty' }),
    throttle: mapping({ max_calls_per_second: positiveInt }).optional(),
    repeat_every: duration({ above: 0, max: LONGEST_TIMER_MS }).optional(),
    orders: list(orderSchema),
  },
  'the top level must be a mapping (credentials, throttle, repeat_every, orders), got {value}',
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
  })
  .transform((s): Scenario => ({
    credentials: s.credentials.map((c) => ({
      accessKeyId: c.access_key_id,
      accessKeySecret: c.access_key_secret,
      securityToken: c.security_token,
    })),
    throttle: s.throttle && { maxCallsPerSecond: s.throttle.max_calls_per_second },
    repeatEveryMs: s.repeat_every,
    orders: s.orders,
  }));

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
