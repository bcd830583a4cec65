/**
 * The one shape for an operation that can fail: errors are values at module borders, never thrown.
 * `ok` narrows the union, so a caller cannot read a value that is not there.
 */
export type Result<T, E> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}
