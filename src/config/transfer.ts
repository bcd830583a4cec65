import { Secret } from './secret.js';

// The load worker hands the typed configuration to the main thread by structured clone, which keeps
// Maps, arrays, plain objects and RegExps but not a Secret: its value is a private field, so it would
// arrive as an empty object. On the way, each Secret travels as a tagged object and is a Secret again
// on arrival. The main thread thus never parses a config itself, and loads neither yaml nor zod.

const SECRET_TAG = 'dmsExporterSecret';

/** `value` with every Secret in it replaced by a tagged copy of its value, ready for postMessage. */
export function packSecrets(value: unknown): unknown {
  if (value instanceof Secret) return { [SECRET_TAG]: value.reveal() };
  return mapChildren(value, packSecrets);
}

/** The inverse of packSecrets, for what arrived from postMessage. */
export function unpackSecrets(value: unknown): unknown {
  if (isPlainObject(value) && typeof value[SECRET_TAG] === 'string' && Object.keys(value).length === 1)
    return new Secret(value[SECRET_TAG]);
  return mapChildren(value, unpackSecrets);
}

function mapChildren(value: unknown, map: (child: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map(map);
  if (value instanceof Map) return new Map([...value].map(([key, child]) => [key, map(child)]));
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, map(child)]));
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
