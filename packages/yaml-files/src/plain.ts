import { isMap, isScalar, isSeq, Scalar, type Node } from 'yaml';
import { aliasResolver, type YamlPath } from './nodes.js';
import type { Problem } from './problems.js';
import type { Result } from './result.js';
import type { YamlSource } from './source.js';
import { isCoreTag, shortTags } from './tags.js';

/** Rewrites a string value (e.g. `${VAR}` expansion); an error is one or more reasons. */
export type StringExpander = (text: string) => Result<string, readonly string[]>;

export interface PlainOptions {
  /** Applied to every string value (never to keys). */
  readonly expand?: StringExpander;
  /** Values allowed in the whole tree, aliases counted each time they are used (alias bombs). */
  readonly maxValues: number;
}

export interface PlainResult {
  /**
   * Mappings as null-prototype objects, lists as arrays, scalars as YAML typed them, except that an
   * integer written as plain decimal digits (`42`, `-7`) is a bigint: it is the only spelling an
   * integer field takes, and a YAML float (`1.0`, `1e3`) or an integer in another notation (`0x10`,
   * `0o10`, `+5`) stays a number, which such a field refuses. An empty value (`key:` or `key: null`)
   * is `undefined`: the key is written but not set, so defaults apply.
   */
  readonly value: unknown;
  readonly problems: Problem[];
  /**
   * Where a value is already reported (it could not be expanded, or has an unsupported tag): checks
   * of those values would only repeat the problem, so callers drop problems at or below these paths.
   */
  readonly reported: YamlPath[];
  /** False when the document was too large to convert: nothing else is worth checking. */
  readonly complete: boolean;
}

/**
 * Names that are not ordinary keys in JavaScript: `__proto__` set on an object replaces its
 * prototype (zod's records build plain objects, so a profile of that name would vanish), and
 * `constructor` and `prototype` lead from an object to the functions that build them. Refused as
 * keys anywhere in a document, so no object built from a file's keys can be polluted.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const RESERVED_MESSAGE = (name: string): string =>
  `reserved name "${name}" (__proto__, constructor and prototype cannot be keys)`;

const DECIMAL_INTEGER = /^-?[0-9]+$/;

/** The document as plain data for a schema to check. */
export function toPlainValue(source: YamlSource, options: PlainOptions): PlainResult {
  const problems: Problem[] = [];
  const reported: YamlPath[] = [];
  const resolve = aliasResolver(source);
  let budget = options.maxValues;

  const refuseTag = (node: Node, path: YamlPath): boolean => {
    if (node.tag === undefined || isCoreTag(node.tag)) return false;
    problems.push({ path, message: `unsupported YAML tag ${shortTags(node.tag)}` });
    reported.push(path);
    return true;
  };

  const convertMap = (node: { items: { key: unknown; value: unknown }[] }, path: YamlPath): unknown => {
    const object = Object.create(null) as Record<string, unknown>;
    for (const pair of node.items) {
      const key = resolve(pair.key);
      if (isScalar(key) && refuseTag(key, path)) continue;
      if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
        problems.push({ path, message: 'keys must be plain names' });
        continue;
      }
      const name = String(key.value);
      if (RESERVED_KEYS.has(name)) {
        problems.push({ path: [...path, name], message: RESERVED_MESSAGE(name), atKey: true });
        continue;
      }
      object[name] = convert(pair.value, [...path, name]) ?? undefined;
    }
    return object;
  };

  const convertScalar = (node: Scalar, path: YamlPath): unknown => {
    if (typeof node.value === 'number' && isDecimalInteger(node)) return BigInt(node.source as string);
    if (typeof node.value !== 'string' || options.expand === undefined) return node.value;
    const expanded = options.expand(node.value);
    if (expanded.ok) return expanded.value;
    for (const reason of expanded.error) problems.push({ path, message: reason });
    reported.push(path);
    return node.value;
  };

  const convert = (input: unknown, path: YamlPath): unknown => {
    const node = resolve(input);
    budget -= 1;
    if (budget < 0) return undefined;
    if (isMap(node)) return refuseTag(node, path) ? undefined : convertMap(node, path);
    if (isSeq(node)) {
      if (refuseTag(node, path)) return undefined;
      return node.items.map((item, index) => convert(item, [...path, index]) ?? null);
    }
    if (!isScalar(node)) return null;
    return refuseTag(node, path) ? undefined : convertScalar(node, path);
  };

  const value: unknown = convert(source.doc.contents, []) ?? Object.create(null);
  if (budget < 0) {
    const message = `the document has more than ${options.maxValues} values (aliases counted each time they are used)`;
    return { value: null, problems: [{ path: [], message }], reported: [], complete: false };
  }
  return { value, problems, reported, complete: true };
}

/** Written as plain decimal digits, not quoted, not in another notation (`1.0`, `0x10`, `+5`). */
function isDecimalInteger(node: Scalar): boolean {
  return node.type === Scalar.PLAIN && typeof node.source === 'string' && DECIMAL_INTEGER.test(node.source);
}
