import type { z } from 'zod';
import { duration, LONGEST_TIMER_MS, mapping, oneOf, text } from 'yaml-files';
import type { Fault, ListOrdersFault } from './scenario.js';

// The `fault` mappings of the scenario file: one per order (GetDataTrackJobDegree) and one for
// ListOrders, which also has a time window.

const name = text(256);
const span = duration({ max: LONGEST_TIMER_MS });
const DEFAULT_SLOW_MS = 5_000;

interface WrittenFault {
  readonly kind: string;
  readonly delay?: number | undefined;
  readonly code?: string | undefined;
  readonly message?: string | undefined;
}

function checkFaultKeys(f: WrittenFault, ctx: z.RefinementCtx): void {
  if (f.kind !== 'slow' && f.delay !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['delay'], message: 'is only allowed with kind slow' });
  }
  for (const key of ['code', 'message'] as const) {
    if (f.kind !== 'business_error' && f[key] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'is only allowed with kind business_error' });
    }
  }
}

const slowDelay = (f: WrittenFault): number => f.delay ?? DEFAULT_SLOW_MS;
const businessError = (f: WrittenFault) => ({
  code: f.code ?? 'UnknownError',
  message: f.message ?? 'simulated business error',
});

export const orderFaultSchema = mapping({
  kind: oneOf([
    'throttle',
    'internal_error',
    'unavailable',
    'slow',
    'malformed_json',
    'bad_ratio',
    'unknown_status',
    'business_error',
  ]),
  delay: span.optional(),
  code: name.optional(),
  message: name.optional(),
})
  .superRefine(checkFaultKeys)
  .transform((f): Fault => {
    if (f.kind === 'slow') return { kind: 'slow', delayMs: slowDelay(f) };
    if (f.kind === 'business_error') return { kind: 'business_error', ...businessError(f) };
    return { kind: f.kind };
  });

export const listOrdersFaultSchema = mapping({
  kind: oneOf(['throttle', 'internal_error', 'unavailable', 'slow', 'malformed_json', 'business_error']),
  from: span.optional(),
  until: span.optional(),
  delay: span.optional(),
  code: name.optional(),
  message: name.optional(),
})
  .superRefine((f, ctx) => {
    checkFaultKeys(f, ctx);
    if (f.until !== undefined && f.until <= (f.from ?? 0)) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be later than from' });
    }
  })
  .transform((f): ListOrdersFault => {
    const window = { fromMs: f.from ?? 0, untilMs: f.until };
    if (f.kind === 'slow') return { kind: 'slow', delayMs: slowDelay(f), ...window };
    if (f.kind === 'business_error') return { kind: 'business_error', ...businessError(f), ...window };
    return { kind: f.kind, ...window };
  });
