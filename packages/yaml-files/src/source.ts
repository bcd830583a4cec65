import { LineCounter, parseDocument, type Document, type YAMLWarning } from 'yaml';
import { isCoreTag, shortTags } from './tags.js';
import { err, ok, type Result } from './result.js';
import { scanYaml } from './scan.js';

/** A parsed YAML file and what messages need to point into it. */
export interface YamlSource {
  readonly fileName: string;
  readonly text: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/**
 * Limits checked on the text before it is parsed (scan.ts), so a file over them costs no syntax tree.
 * A file over both is refused for its list.
 */
export interface ParseBudget {
  /** Tokens (keys, values, indicators, spaces, comments, line breaks): the parser's memory grows with them. */
  readonly maxTokens: number;
  /** The reason when there are more, given at the line where the limit is passed. */
  readonly tooManyTokens: string;
  /** The list under a top-level key whose items are limited; its reason is given at its first line. */
  readonly list?: {
    readonly key: string;
    readonly maxItems: number;
    readonly tooMany: (items: number) => string;
  };
}

/**
 * Parses YAML strictly (duplicate keys are errors), once it is within `budget`. A syntax error stops
 * everything else: it is reported as `FILE:LINE:COL: reason`, with the parser's reason. A file over
 * the budget is one `FILE:LINE: [key: ]reason`.
 */
export function parseYamlSource(
  text: string,
  fileName: string,
  budget?: ParseBudget,
): Result<YamlSource, string[]> {
  const refused = budget === undefined ? undefined : overBudget(text, budget);
  if (refused !== undefined) return err([`${fileName}:${lineAt(text, refused.offset)}: ${refused.reason}`]);
  const lines = new LineCounter();
  // prettyErrors off: the default appends a multi-line excerpt; our messages are one line each.
  // resolveKnownTags off: !!binary, !!set, !!timestamp... stay unresolved, so that toPlainValue
  // reports each one as one unsupported tag, at its key path, instead of checking a byte array.
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    resolveKnownTags: false,
  });
  const problems = [...doc.errors, ...doc.warnings.filter((w) => !isLeftToPlainValue(w))];
  if (problems.length > 0) {
    return err(
      problems.map((problem) => {
        const { line, col } = lines.linePos(problem.pos[0]);
        const message = shortTags(problem.message.split('\n')[0] ?? '');
        return `${fileName}:${line}:${col}: ${message}`;
      }),
    );
  }
  return ok({ fileName, text, doc, lines });
}

/**
 * A tag outside the core schema is kept on its node and reported by toPlainValue with the key path;
 * a core tag that does not fit its value (`!!float abc`) stays a parse error.
 */
function isLeftToPlainValue(warning: YAMLWarning): boolean {
  const tag = /^Unresolved tag: (\S+)$/.exec(warning.message)?.[1];
  return warning.code === 'TAG_RESOLVE_FAILED' && tag !== undefined && !isCoreTag(tag);
}

function overBudget(text: string, budget: ParseBudget): { offset: number; reason: string } | undefined {
  const { list } = budget;
  const scan = scanYaml(text, budget.maxTokens, list?.key);
  if (list !== undefined && scan.list !== undefined && scan.list.items > list.maxItems) {
    return { offset: scan.list.offset, reason: `${list.key}: ${list.tooMany(scan.list.items)}` };
  }
  if (scan.overTokensAt !== undefined) return { offset: scan.overTokensAt, reason: budget.tooManyTokens };
  return undefined;
}

/** The 1-based line of `offset`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line += 1;
  return line;
}
