import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { z } from 'zod';
import { nodeAt, type YamlPath } from './nodes.js';
import type { YamlSource } from './source.js';

/**
 * One thing wrong with a value, before it has a line. `message` may hold `{value}` (the value as
 * written, shortened; never use it for secrets) or `{kind}` ("a mapping", "a number"...).
 */
export interface Problem {
  readonly path: YamlPath;
  readonly message: string;
  /** Point at the key itself (an unknown or invalid key), not at its value; the path shown is the parent's. */
  readonly atKey?: boolean;
}

/** Zod issues as problems. An unknown-key issue names several keys: one problem each, at each key. */
export function problemsFromZod(issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: `unknown key "${key}" (${issue.message})`,
        atKey: true,
      }));
    }
    if (issue.code === 'invalid_key') {
      return [{ path, message: issue.issues[0]?.message ?? issue.message, atKey: true }];
    }
    return [{ path, message: issue.message }];
  });
}

/** Drops problems at or below any of `paths` (values already reported for another reason). */
export function excludeUnder(problems: readonly Problem[], paths: readonly YamlPath[]): Problem[] {
  return problems.filter((p) => !paths.some((prefix) => prefix.every((part, i) => p.path[i] === part)));
}

/**
 * `FILE:LINE: key.path: reason` for each problem, in file order (one line's problems keep their
 * order), duplicates removed. A problem whose path is not in the file points at the nearest
 * enclosing value that is.
 */
export function formatProblems(source: YamlSource, problems: readonly Problem[]): string[] {
  const located = problems.map((problem) => {
    const shownPath = problem.atKey === true ? problem.path.slice(0, -1) : problem.path;
    const node = anchor(source, problem);
    const line = node?.range ? source.lines.linePos(node.range[0]).line : 0;
    const message = problem.message
      .replace('{value}', node ? shown(source, node) : 'nothing')
      .replace('{kind}', node ? kindOf(node) : 'nothing');
    const where = shownPath.length === 0 ? '' : `${formatPath(shownPath)}: `;
    return { line, text: `${source.fileName}${line === 0 ? '' : `:${line}`}: ${where}${message}` };
  });
  located.sort((a, b) => a.line - b.line);
  return [...new Set(located.map((l) => l.text))];
}

function anchor(source: YamlSource, problem: Problem): Node | undefined {
  for (let depth = problem.path.length; depth >= 0; depth--) {
    const { node, key } = nodeAt(source, problem.path.slice(0, depth));
    const exact = depth === problem.path.length;
    const preferred = exact && problem.atKey === true ? (key ?? node) : (node ?? key);
    if (preferred?.range) return preferred;
    if (key?.range) return key;
  }
  return undefined;
}

/** `orders[0].stop_at.ratio` */
function formatPath(path: YamlPath): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? part : `${text}.${part}`),
    '',
  );
}

/** The kind of a node, for messages that must not show a value (secrets) or cannot (collections). */
function kindOf(node: Node): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (!isScalar(node)) return 'an unsupported value';
  if (node.value === null) return 'an empty item';
  if (typeof node.value === 'number' || typeof node.value === 'bigint') return 'a number';
  if (typeof node.value === 'boolean') return 'a boolean';
  return 'a string';
}

/** What the user wrote, as written (first line, shortened); collections by kind. */
function shown(source: YamlSource, node: Node): string {
  if (!isScalar(node) || node.value === null || !node.range) return kindOf(node);
  const text = source.text.slice(node.range[0], node.range[1]).split('\n')[0] ?? '';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
