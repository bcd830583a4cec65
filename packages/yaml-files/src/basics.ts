// The package's second entry (`yaml-files/basics`): the parts that need neither the YAML parser nor
// zod. A program that uses files read elsewhere imports this one, so that a bundler does not put
// the parser and zod beside it (esbuild splits by file: a module that imports index.ts shares a
// chunk with everything index.ts re-exports). index.ts exports all of this too.

export { DURATION_PATTERN, formatDuration, parseDuration } from './duration.js';
export type { Problem } from './problems.js';
export {
  decodeUtf8,
  describeFsError,
  formatBytes,
  readBoundedText,
  readSmallFile,
  readSmallFileAsync,
} from './read.js';
export { err, ok, type Result } from './result.js';
export {
  isTimeZone,
  parseLocalTime,
  utcFromDateTimeFields,
  zonedTime,
  type ZonedTime,
} from './zoned-time.js';
