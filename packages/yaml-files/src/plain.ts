import { isMap, isScalar, isSeq } from 'yaml';
import { aliasResolver, type YamlPath } from './nodes.js';
import type { Problem } from './problems.js';
import type { Result } from './result.js';
import type { YamlSource } from './source.js';

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
   * Mappings as null-prototype objects, lists as arrays, scalars as YAML typed them. An empty value
   * (`key:` or `key: null`) is `undefined`: the key is written but not set, so defaults apply.
   */
  readonly value: unknown;
  readonly problems: Problem[];
  /** Where a value could not be expanded: checks of those values would only repeat the problem. */
  readonly unexpanded: YamlPath[];
  /** False when the document was too large to convert: nothing else is worth checking. */
  readonly complete: boolean;
}

/** The document as plain data for a schema to check. */
export function toPlainValue(source: YamlSource, options: PlainOptions): PlainResult {
  const problems: Problem[] = [];
  const unexpanded: YamlPath[] = [];
  const resolve = aliasResolver(source);
  let budget = options.maxValues;

  const convert = (input: unknown, path: YamlPath): unknown => {
    const node = resolve(input);
    budget -= 1;
    if (budget < 0) return undefined;
    if (isMap(node)) {
      const object = Object.create(null) as Record<string, unknown>;
      for (const pair of node.items) {
        const key = resolve(pair.key);
        if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
          problems.push({ path, message: 'keys must be plain names' });
          continue;
        }
        const name = String(key.value);
        object[name] = convert(pair.value, [...path, name]) ?? undefined;
      }
      return object;
    }
    if (isSeq(node)) return node.items.map((item, index) => convert(item, [...path, index]) ?? null);
    if (!isScalar(node)) return null;
    if (typeof node.value !== 'string' || options.expand === undefined) return node.value;
    const expanded = options.expand(node.value);
    if (expanded.ok) return expanded.value;
    for (const reason of expanded.error) problems.push({ path, message: reason });
    unexpanded.push(path);
    return node.value;
  };

  const value: unknown = convert(source.doc.contents, []) ?? Object.create(null);
  if (budget < 0) {
    const message = `the document has more than ${options.maxValues} values (aliases counted each time they are used)`;
    return { value: null, problems: [{ path: [], message }], unexpanded: [], complete: false };
  }
  return { value, problems, unexpanded, complete: true };
}
