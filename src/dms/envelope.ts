import { err, ok, type Result } from 'yaml-files/basics';
import type { DmsError } from './types.js';

// What every DMS answer shares (docs/dms-api.md): a JSON object with RequestId and Success, and on
// Success=false an ErrorCode and ErrorMessage. Everything DMS sends is `unknown` until checked.

/** Strings from DMS are cut to this: a huge answer cannot grow the exporter's memory or its logs. */
const MAX_TEXT = 1024;

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string or number from DMS as bounded text; anything else as ''. */
export function text(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? value.slice(0, MAX_TEXT) : '';
}

export function requestIdOf(body: Json): string | undefined {
  return typeof body.RequestId === 'string' ? body.RequestId : undefined;
}

/** `Success: false` as a business error, anything but `Success: true` as malformed. */
export function envelope(body: unknown): Result<Json, DmsError> {
  if (!isRecord(body))
    return err({ code: 'malformed_response', message: 'answer is not a JSON object', requestId: undefined });
  const requestId = requestIdOf(body);
  if (body.Success === false) {
    const code =
      typeof body.ErrorCode === 'string' && body.ErrorCode !== '' ? body.ErrorCode : 'UnknownError';
    return err({ code, message: `DMS answered Success=false: ${text(body.ErrorMessage)}`, requestId });
  }
  if (body.Success !== true)
    return err({ code: 'malformed_response', message: 'answer has no Success=true', requestId });
  return ok(body);
}
