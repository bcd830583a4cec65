import type { HttpAnswer, TransportFailure } from './transport.js';
import type { DmsError } from './types.js';

/** Alibaba codes look like `Throttling.User` or `Forbidden.RAM`; anything else must not become a label. */
const ALIBABA_CODE = /^[A-Za-z][A-Za-z0-9]*(?:[._-][A-Za-z0-9]+)*$/;

export function isAlibabaCode(code: unknown): code is string {
  return typeof code === 'string' && code.length <= 64 && ALIBABA_CODE.test(code);
}

/** A DmsError whose message is raw: the caller redacts it before it can reach a log line. */
export type RawError = Omit<DmsError, 'message'> & { readonly rawMessage: string };

/** The codes of a proxy that opened no tunnel (docs/proxy.md). */
export const PROXY_ERROR_CODES = {
  refused: 'proxy_refused',
  auth: 'proxy_auth',
  timeout: 'proxy_timeout',
} as const;

const TRANSPORT_CODES = {
  timeout: 'timeout',
  aborted: 'timeout',
  network: 'network',
  too_large: 'malformed_response',
} as const;

/** Timeout, cancellation, a refused or reset connection, an answer too large to read, or the proxy. */
export function classifyTransportFailure(failure: TransportFailure): RawError {
  const code = failure.kind === 'proxy' ? PROXY_ERROR_CODES[failure.problem] : TRANSPORT_CODES[failure.kind];
  return { code, requestId: undefined, rawMessage: failure.message };
}

/**
 * An HTTP error status from the gateway (docs/dms-api.md §5 and §7 "Error shapes"): its Alibaba
 * code when the body carries one (JSON `Code`/`code`, or XML `<Code>`), else `http_<status>`.
 */
export function classifyHttpError(answer: HttpAnswer): RawError {
  const fields = errorFields(answer);
  const code = isAlibabaCode(fields.code) ? fields.code : `http_${answer.status}`;
  const message = `HTTP ${answer.status}${fields.message === undefined ? '' : `: ${fields.message}`}`;
  return { code, requestId: fields.requestId, rawMessage: message };
}

function errorFields(answer: HttpAnswer): { code?: string; message?: string; requestId?: string } {
  if (/xml/i.test(answer.contentType)) {
    const tag = (name: string): string | undefined =>
      new RegExp(`<${name}>([^<]{0,512})</${name}>`).exec(answer.body)?.[1];
    return { code: tag('Code'), message: tag('Message'), requestId: tag('RequestId') };
  }
  try {
    const body = JSON.parse(answer.body) as unknown;
    if (typeof body !== 'object' || body === null) return {};
    const b = body as Record<string, unknown>;
    const text = (...values: unknown[]): string | undefined =>
      values.find((v): v is string => typeof v === 'string');
    return {
      code: text(b.Code, b.code),
      message: text(b.Message, b.message),
      requestId: text(b.RequestId, b.requestId),
    };
  } catch {
    return {};
  }
}

/** What the credential source threw (the default chain, or an unreadable secret file). */
export function classifyCredentialError(thrown: unknown): RawError {
  const error = typeof thrown === 'object' && thrown !== null ? (thrown as Record<string, unknown>) : {};
  const code = isAlibabaCode(error.code) ? error.code : 'InvalidCredentials';
  const rawMessage = typeof error.message === 'string' ? error.message : String(thrown);
  return { code, requestId: undefined, rawMessage };
}
