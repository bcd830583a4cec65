// The YAML tags our files may use. parseYamlSource (source.ts) leaves every other tag on its node,
// and toPlainValue (plain.ts) reports it there, with the key path.

/**
 * The tags of the YAML 1.2 core schema, and `!` (a non-specific tag: plain text). Any other tag,
 * such as !!binary, !!set or !!timestamp (which the yaml library would read as a byte array, a Set
 * or a Date), or an application's tag such as !foo, is unsupported.
 */
const CORE_TAGS: ReadonlySet<string> = new Set([
  '!',
  ...['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`),
]);

export function isCoreTag(tag: string): boolean {
  return CORE_TAGS.has(tag);
}

/** `!!binary` for tag:yaml.org,2002:binary, wherever `text` names a YAML tag; other tags as written. */
export function shortTags(text: string): string {
  return text.replace(/tag:yaml\.org,2002:/g, '!!');
}
