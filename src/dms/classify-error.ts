import type { DmsError } from './types.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** Alibaba codes look like `Throttling.User` or `Forbidden.RAM`; anything else must not become a label. */
const ALIBABA_CODE = /^[A-Za-z][A-Za-z0-9]*(?:[._-][A-Za-z0-9]+)*$/;

/**
 * Maps whatever `@alicloud/openapi-client` threw to a bounded error code. The SDK's error classes
 * are internal, so this reads properties (shapes measured in docs/dms-api.md §5), never `instanceof`.
 * `message` is returned raw; the caller redacts it.
 */
export function classifySdkError(thrown: unknown): Omit<DmsError, 'message'> & { rawMessage: string } {
  const e = typeof thrown === 'object' && thrown !== null ? (thrown as Record<string, unknown>) : {};
  const rawMessage = typeof e.message === 'string' ? e.message : String(thrown);
  const data = typeof e.data === 'object' && e.data !== null ? (e.data as Record<string, unknown>) : {};
  const requestId = typeof data.RequestId === 'string' ? data.RequestId : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;

  if (e.name === 'RequestTimeoutError') return { code: 'timeout', requestId, rawMessage };
  if (e.name === 'SyntaxError') return { code: 'malformed_response', requestId, rawMessage };
  if (code !== undefined && NETWORK_CODES.has(code)) return { code: 'network', requestId, rawMessage };
  if (code !== undefined && code.length <= 64 && ALIBABA_CODE.test(code)) {
    return { code, requestId, rawMessage };
  }
  if (status !== undefined) return { code: `http_${status}`, requestId, rawMessage };
  return { code: 'other', requestId, rawMessage };
}
