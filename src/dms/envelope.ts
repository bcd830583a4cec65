import { err, ok, type Result } from 'yaml-files/basics';
import { isAlibabaCode } from './classify-error.js';
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
  if (body.Success === false) return err(businessError(body, requestId));
  if (body.Success !== true)
    return err({ code: 'malformed_response', message: 'answer has no Success=true', requestId });
  return ok(body);
}

/**
 * `Success: false`: its ErrorCode becomes the `code` label, so only a code shaped like Alibaba's
 * passes; any other text (a sentence, an id, something 2 KiB long) is `other`, and is kept, cut, in
 * the message for the log line.
 */
function businessError(body: Json, requestId: string | undefined): DmsError {
  const message = `DMS answered Success=false: ${text(body.ErrorMessage)}`;
  const raw = body.ErrorCode;
  if (raw === undefined || raw === null || raw === '') return { code: 'UnknownError', message, requestId };
  if (isAlibabaCode(raw)) return { code: raw, message, requestId };
  return { code: 'other', message: `${message} (ErrorCode ${JSON.stringify(text(raw))})`, requestId };
}
