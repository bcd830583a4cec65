import { isAlias, isMap, isScalar, isSeq, visit, type Alias, type Node } from 'yaml';
import type { YamlSource } from './source.js';

// Finding values in a parsed document: by path, through aliases. Both the conversion to plain values
// (plain.ts) and the messages that point at a line (problems.ts) need it.

/** Where a value sits: mapping keys and list indexes from the top of the document. */
export type YamlPath = ReadonlyArray<string | number>;

const resolvers = new WeakMap<YamlSource, (input: unknown) => unknown>();

/**
 * Follows aliases to their anchored node. The yaml library's own lookup scans the document for every
 * alias; this indexes each alias once, so a document full of aliases costs linear time.
 */
export function aliasResolver(source: YamlSource): (input: unknown) => unknown {
  let resolver = resolvers.get(source);
  if (resolver === undefined) {
    const anchors = new Map<string, Node>();
    const targets = new Map<Alias, Node | undefined>();
    visit(source.doc, {
      Alias: (_key, alias) => void targets.set(alias, anchors.get(alias.source)),
      Node: (_key, node) => void (node.anchor !== undefined && anchors.set(node.anchor, node)),
    });
    resolver = (input) => (isAlias(input) ? targets.get(input) : input);
    resolvers.set(source, resolver);
  }
  return resolver;
}

/** The node at `path`, following aliases, or nothing where the path leaves the document. */
export function nodeAt(source: YamlSource, path: YamlPath): { node?: Node; key?: Node } {
  const resolve = aliasResolver(source);
  let node: unknown = source.doc.contents;
  let key: Node | undefined;
  for (const segment of path) {
    const current = resolve(node);
    if (isMap(current)) {
      const pair = current.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) return {};
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      key = undefined;
      node = current.items[segment];
    } else {
      return {};
    }
  }
  return { node: resolve(node) as Node | undefined, ...(key ? { key } : {}) };
}
