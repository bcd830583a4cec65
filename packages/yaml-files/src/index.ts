// The package's one entry (its package.json exports point here); README.md says what each part is for.

export { DURATION_PATTERN, formatDuration, parseDuration } from './duration.js';
export {
  LONGEST_TIMER_MS,
  decimal,
  duration,
  flag,
  integer,
  list,
  mapping,
  oneOf,
  pattern,
  text,
  type DurationRange,
} from './fields.js';
export type { YamlPath } from './nodes.js';
export {
  RESERVED_KEYS,
  toPlainValue,
  type PlainOptions,
  type PlainResult,
  type StringExpander,
} from './plain.js';
export { excludeUnder, formatProblems, problemsFromZod, type Problem } from './problems.js';
export { err, ok, type Result } from './result.js';
export {
  decodeUtf8,
  describeFsError,
  formatBytes,
  readBoundedText,
  readSmallFile,
  readSmallFileAsync,
} from './read.js';
export { parseYamlSource, type ParseBudget, type YamlSource } from './source.js';
export {
  isTimeZone,
  parseLocalTime,
  utcFromDateTimeFields,
  zonedTime,
  type ZonedTime,
} from './zoned-time.js';
