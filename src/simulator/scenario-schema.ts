import { z } from 'zod';
import { parseDuration } from '../util/duration.js';
import { failingStage, type Fault, type Outcome, type Scenario, type ScenarioOrder } from './scenario.js';

// The scenario file's schema: snake_case keys, strict mappings, defaults, cross-field rules. It turns
// YAML values into the camelCase Scenario; scenario-file.ts adds file names and lines to the messages.

/** An `error` option: "is required" when absent, else what the value must be. */
function must(what: string) {
  return (issue: { code?: string; input?: unknown }) => {
    // Other issues of a mapping (unknown keys) keep their own message; scenario-file.ts words them.
    if (issue.code !== undefined && issue.code !== 'invalid_type' && issue.code !== 'invalid_value')
      return undefined;
    return issue.input === undefined ? 'is required' : `must be ${what}`;
  };
}

const text = z.string({ error: must('a string') }).min(1, { error: 'must not be empty' });
const positiveInt = z
  .number({ error: must('a number') })
  .int({ error: 'must be a whole number' })
  .positive({ error: 'must be positive' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'is too large' });

const duration = z.unknown().transform((value, ctx) => {
  const ms = typeof value === 'string' ? parseDuration(value) : value === 0 ? 0 : undefined;
  if (ms !== undefined) return ms;
  const shown = typeof value === 'string' ? `"${value}"` : typeof value;
  ctx.addIssue({ code: 'custom', message: `must be a duration such as 500ms, 20s, 10m or 1h, got ${shown}` });
  return z.NEVER;
});

const stage = z.enum(['list', 'download', 'filter'], { error: must('one of list, download, filter') });
const outcome = z.enum(['success', 'download_fail', 'filter_fail', 'stall'], {
  error: must('one of success, download_fail, filter_fail, stall'),
});
const faultKind = z.enum(
  [
    'throttle',
    'internal_error',
    'unavailable',
    'slow',
    'malformed_json',
    'bad_ratio',
    'unknown_status',
    'business_error',
  ],
  {
    error: must(
      'one of throttle, internal_error, unavailable, slow, malformed_json, bad_ratio, unknown_status, business_error',
    ),
  },
);

const faultSchema = z
  .strictObject({
    kind: faultKind,
    delay: duration.optional(),
    code: text.optional(),
    message: text.optional(),
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

const ratio = z
  .number({ error: must('a number') })
  .min(0, { error: 'must be between 0 and 1' })
  .max(1, { error: 'must be between 0 and 1' });

const orderSchema = z
  .strictObject(
    {
      id: positiveInt,
      tid: positiveInt.optional(),
      name: text.optional(),
      start: duration.optional(),
      list: duration.optional(),
      download: duration.optional(),
      filter: duration.optional(),
      pause: duration.optional(),
      outcome: outcome.default('success'),
      stop_at: z.strictObject({ stage: stage.optional(), ratio }, { error: must('a mapping') }).optional(),
      fault: faultSchema.optional(),
    },
    { error: must('a mapping') },
  )
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

const credentialSchema = z.strictObject(
  { access_key_id: text, access_key_secret: text, security_token: text.optional() },
  { error: must('a mapping') },
);

export const scenarioSchema = z
  .strictObject(
    {
      credentials: z
        .array(credentialSchema, { error: must('a list') })
        .min(1, { error: 'must not be empty' }),
      throttle: z
        .strictObject({ max_calls_per_second: positiveInt }, { error: must('a mapping') })
        .optional(),
      repeat_every: duration.refine((ms) => ms > 0, { error: 'must be longer than 0s' }).optional(),
      orders: z.array(orderSchema, { error: must('a list') }),
    },
    { error: must('a mapping') },
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
