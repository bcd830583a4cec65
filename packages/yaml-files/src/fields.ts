import { z } from 'zod';
import { DURATION_PATTERN, formatDuration, parseDuration } from './duration.js';

// Zod field schemas with the wording every file we read shares. Messages may hold `{value}` (the
// value as written) or `{kind}` ("a mapping"); problems.ts fills them in from the YAML node.

const orRequired = (input: unknown, message: string): string =>
  input === undefined ? 'is required' : message;

const isCollection = (value: unknown): boolean => typeof value === 'object' && value !== null;

/**
 * A scalar written where text belongs is read as text: `name: 2024` is the name "2024". An integer
 * arrives as a bigint (see toPlainValue), so `name: 007` is "7", as YAML reads it.
 */
const scalarAsText = (value: unknown): unknown =>
  typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean'
    ? String(value)
    : value;

/** Non-empty text of at most `maxLength` characters. A secret's message names its kind, never the value. */
export function text(maxLength: number, options: { readonly secret?: boolean } = {}) {
  const got = options.secret === true ? '{kind}' : '{value}';
  const schema = z.preprocess(
    scalarAsText,
    z
      .string({ error: (i) => orRequired(i.input, `must be a string, got ${got}`) })
      .min(1, { error: 'must not be empty', abort: true })
      .max(maxLength, {
        error: (i) =>
          `must be at most ${maxLength} characters long, got ${typeof i.input === 'string' ? i.input.length : '?'}`,
      }),
  );
  // For the generated docs: a secret is never shown, in messages or anywhere else.
  return options.secret === true ? schema.meta({ 'x-secret': true }) : schema;
}

/**
 * A YAML integer in [min, max], written in decimal digits: toPlainValue hands those over as bigints
 * and anything else as what it is, so a float (`1.0`, `1e3`), another notation (`0x10`, `0o10`,
 * `+5`) and a quoted number (`"5"`, a string in YAML) are refused with the same message.
 */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const what =
    min === 1 && max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from ${min} to ${max}`;
  const range = `must be ${what}, got {value}`;
  // invalid_type: not a bigint from toPlainValue (the preprocess hands over anything else as text);
  // too_big or too_small: past the safe integers, which zod's int refuses before min and max.
  const error = (issue: { code?: string; input?: unknown }): string =>
    issue.code === 'invalid_type'
      ? orRequired(issue.input, `must be ${what}, written in decimal digits without quotes, got {value}`)
      : range;
  return z.preprocess(
    (value) =>
      typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? String(value) : value,
    z.int({ error }).min(min, { error: range, abort: true }).max(max, { error: range, abort: true }),
  );
}

/** Any YAML number in [min, max], as a number: `0.5`, `2`, `1e3`. */
export function decimal(min: number, max: number, options: { readonly above?: boolean } = {}) {
  const range = options.above === true ? `more than ${min} and at most ${max}` : `from ${min} to ${max}`;
  const error = (issue: { input?: unknown }): string =>
    orRequired(issue.input, `must be a number ${range}, got {value}`);
  const number = z.number({ error }).max(max, { error, abort: true });
  return z.preprocess(
    (value) => (typeof value === 'bigint' ? Number(value) : value),
    options.above === true ? number.gt(min, { error, abort: true }) : number.min(min, { error, abort: true }),
  );
}

/** `true` or `false`, as YAML writes booleans (a quoted "true" is text and refused). */
export function flag() {
  return z.boolean({ error: (i) => orRequired(i.input, 'must be true or false, got {value}') });
}

/** A JavaScript regular expression, compiled once here so a bad one is a config error, not a crash. */
export function pattern() {
  return text(1024).transform((source, ctx) => {
    try {
      return new RegExp(source, 'u');
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : '';
      ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${reason}` });
      return z.NEVER;
    }
  });
}

/** One of a fixed set of words, compared exactly. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (i) =>
      orRequired(
        i.input,
        isCollection(i.input)
          ? 'must be a string, got {value}'
          : `must be one of ${values.join(', ')}, got "${String(i.input)}"`,
      ),
  });
}

export interface DurationRange {
  /** Exclusive lower bound (a duration that must be longer than this). */
  readonly above?: number;
  /** Inclusive lower bound; 0 when neither is given. */
  readonly min?: number;
  /** Inclusive upper bound: every duration has one, so none can overflow a timer. */
  readonly max: number;
}

/** Milliseconds from Prometheus' duration notation (`500ms`, `10s`, `1m30s`), within `range`. */
export function duration(range: DurationRange) {
  const invalid = (input: unknown): string =>
    `invalid duration "${String(input)}" (use e.g. 500ms, 10s, 1m30s)`;
  return z
    .preprocess(
      (value) => (typeof value === 'number' || typeof value === 'bigint' ? String(value) : value),
      z
        .string({ error: (i) => orRequired(i.input, 'must be a duration such as 10s, got {value}') })
        .regex(DURATION_PATTERN, { error: (i) => invalid(i.input) }),
    )
    .transform((written, ctx) => {
      const ms = parseDuration(written);
      const problem = ms === undefined ? invalid(written) : outOfRange(ms, range);
      if (problem === undefined && ms !== undefined) return ms;
      ctx.addIssue({ code: 'custom', message: problem ?? invalid(written) });
      return z.NEVER;
    })
    .meta({ 'x-duration-range': describeRange(range) });
}

/** `more than 0s, at most 1h`: for the generated docs (JSON Schema cannot say it of a string). */
function describeRange(range: DurationRange): string {
  const low =
    range.above !== undefined
      ? `more than ${formatDuration(range.above)}`
      : `at least ${formatDuration(range.min ?? 0)}`;
  return `${low}, at most ${formatDuration(range.max)}`;
}

function outOfRange(ms: number, range: DurationRange): string | undefined {
  if (range.above !== undefined && ms <= range.above)
    return `must be greater than ${formatDuration(range.above)}`;
  if (range.min !== undefined && ms < range.min)
    return `must be at least ${formatDuration(range.min)}, got {value}`;
  if (ms > range.max) return `must be at most ${formatDuration(range.max)}, got {value}`;
  return undefined;
}

/** A strict mapping: an unknown key is an error that lists the allowed ones. */
export function mapping<S extends z.ZodRawShape>(shape: S, notMapping = 'must be a mapping, got {value}') {
  const allowed = `allowed keys: ${Object.keys(shape).join(', ')}`;
  return z.strictObject(shape, {
    error: (i) => {
      if (i.code === 'unrecognized_keys') return allowed;
      return i.code === 'invalid_type' ? orRequired(i.input, notMapping) : undefined;
    },
  });
}

export function list<T extends z.ZodType>(item: T) {
  return z.array(item, { error: (i) => orRequired(i.input, 'must be a list, got {value}') });
}

/** Three weeks: below the longest a Node.js timer can wait (2^31 - 1 ms, just under 25 days). */
export const LONGEST_TIMER_MS = 21 * 24 * 60 * 60 * 1000;
