import { isAlias, isMap, isNode, isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import { childPath, report } from './context.js';
import type { Context } from './context.js';

// Helpers over the yaml library's node tree. Validating nodes (not plain JS values) is what lets every
// message carry the line it is about.

/** A key that was written, and its value; `value` is undefined when empty (`key:` or `key: null`). */
export interface Field {
  readonly key: Node;
  readonly value: Node | undefined;
}

/** One mapping being validated: its key path, its node (for lines) and its keys. */
export interface Section {
  readonly ctx: Context;
  readonly path: string;
  readonly node: Node | undefined;
  readonly fields: ReadonlyMap<string, Field>;
}

/** The node itself, with aliases followed, and undefined for an empty value: empty means "not set". */
export function valueNode(ctx: Context, value: unknown): Node | undefined {
  const node = isAlias(value) ? value.resolve(ctx.doc) : value;
  if (!isNode(node)) return undefined;
  if (isScalar(node) && node.value === null) return undefined;
  return node;
}

/** The kind of a node, for messages that must not show a value (secrets) or cannot (collections). */
export function kindOf(node: Node): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    if (typeof node.value === 'number' || typeof node.value === 'bigint') return 'a number';
    if (typeof node.value === 'boolean') return 'a boolean';
    return 'a string';
  }
  return 'an unsupported value';
}

/** What the user wrote, as written (first line, shortened); collections by kind. Never use for secrets. */
export function shown(ctx: Context, node: Node): string {
  if (!isScalar(node) || !node.range) return kindOf(node);
  const source = ctx.text.slice(node.range[0], node.range[1]).split('\n')[0] ?? '';
  return source.length > 60 ? `${source.slice(0, 57)}...` : source;
}

const NO_FIELDS: ReadonlyMap<string, Field> = new Map();

/**
 * Opens a mapping. An absent one is an empty section (defaults apply). `allowed` lists the keys a
 * strict mapping accepts; undefined means any key (the names under `profiles`).
 */
export function openSection(
  ctx: Context,
  node: Node | undefined,
  path: string,
  allowed: readonly string[] | undefined,
): Section | undefined {
  if (node === undefined) return { ctx, path, node, fields: NO_FIELDS };
  if (!isMap(node)) {
    report(ctx, path, node, `must be a mapping, got ${shown(ctx, node)}`);
    return undefined;
  }
  return { ctx, path, node, fields: collectFields(ctx, node, path, allowed) };
}

function collectFields(
  ctx: Context,
  map: YAMLMap,
  path: string,
  allowed: readonly string[] | undefined,
): Map<string, Field> {
  const fields = new Map<string, Field>();
  for (const pair of map.items) {
    const key = valueNode(ctx, pair.key);
    if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
      report(ctx, path, key ?? map, 'keys must be plain names');
      continue;
    }
    const name = String(key.value);
    if (allowed !== undefined && !allowed.includes(name)) {
      report(ctx, path, key, `unknown key "${name}" (allowed keys: ${allowed.join(', ')})`);
      continue;
    }
    fields.set(name, { key, value: valueNode(ctx, pair.value) });
  }
  return fields;
}

/** The value of a key, or undefined when it is absent or empty. */
export function valueOf(section: Section, key: string): Node | undefined {
  return section.fields.get(key)?.value;
}

/** Whether a key was given a (non-empty) value. */
export function isSet(section: Section, key: string): boolean {
  return valueOf(section, key) !== undefined;
}

export function fieldPath(section: Section, key: string): string {
  return childPath(section.path, key);
}

/** Where to point when a key is wrong or missing: its key if written, else its mapping. */
export function anchorOf(section: Section, key: string): Node | undefined {
  return section.fields.get(key)?.key ?? section.node;
}
