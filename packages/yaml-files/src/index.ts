// The package's main entry (its package.json exports point here); README.md says what each part is
// for. The parts that need neither yaml nor zod are in basics.ts, its second entry, and here too.

export * from './basics.js';

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
export { excludeUnder, formatProblems, problemsFromZod } from './problems.js';
export { parseYamlSource, type ParseBudget, type YamlSource } from './source.js';
