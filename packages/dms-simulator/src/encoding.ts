// Canonical forms shared by both signature kinds (docs/dms-api.md §4 "Common"). The wire form is not
// canonical (the client leaves `*'()!` raw), so everything is decoded first and re-encoded here.

/** RFC 3986 percent-encoding of UTF-8: only `A-Z a-z 0-9 - _ . ~` stay as they are. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** One `name=value` pair as received, decoded. Order and duplicates are kept. */
export interface Param {
  readonly name: string;
  readonly value: string;
}

/**
 * Decodes `a=1&b=%20x` into pairs, or undefined when an escape is malformed. A raw `+` stays a `+`:
 * the client always sends `%20` for a space and `%2B` for a plus (docs/dms-api.md §9.7 leaves the real
 * gateway's reading open).
 */
export function parseParams(text: string): Param[] | undefined {
  const params: Param[] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    try {
      params.push({ name: decodeURIComponent(rawName), value: decodeURIComponent(rawValue) });
    } catch {
      return undefined;
    }
  }
  return params;
}

/**
 * Sorted by decoded name (then value, so duplicates are canonical too), each part encoded, joined.
 * The client sorts the raw names with JS string order; for the ASCII names of the API it is byte order.
 */
export function canonicalQuery(params: readonly Param[]): string {
  return [...params]
    .sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.value, b.value))
    .map((p) => `${percentEncode(p.name)}=${percentEncode(p.value)}`)
    .join('&');
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The first value of `name`, if present. */
export function paramValue(params: readonly Param[], name: string): string | undefined {
  return params.find((p) => p.name === name)?.value;
}
