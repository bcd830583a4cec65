import { createHash } from 'node:crypto';
import type { Result } from 'yaml-files';
import { canonicalQuery, percentEncode } from './encoding.js';
import { gatewayError, type GatewayError } from './errors.js';
import { formParams, headerValue, type ReceivedRequest, type SignedRequest } from './request.js';

// ACS3-HMAC-SHA256, built from docs/dms-api.md §4b alone (never from the client's code).

const AUTHORIZATION =
  /^ACS3-HMAC-SHA256 Credential=([^,\s]+),SignedHeaders=([^,\s]+),Signature=([0-9a-f]{64})$/;

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Reads the Authorization header and the signed headers into a SignedRequest, or an error. */
export function parseAcs3(request: ReceivedRequest): Result<SignedRequest, GatewayError> {
  const match = AUTHORIZATION.exec(headerValue(request, 'authorization') ?? '');
  if (!match)
    return incomplete(
      'Authorization must be "ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..".',
    );
  const [, accessKeyId = '', signedList = '', signature = ''] = match;
  const signedHeaders = signedList.split(';');
  const problem = signedHeadersProblem(request, signedHeaders);
  if (problem !== undefined) return incomplete(problem);
  for (const name of ['x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'x-acs-action']) {
    if (headerValue(request, name) === undefined) return missing(name);
  }
  const declaredKey = headerValue(request, 'x-acs-accesskey-id');
  if (declaredKey !== undefined && declaredKey !== accessKeyId) {
    return incomplete('x-acs-accesskey-id differs from the Credential of the Authorization header.');
  }
  const form = formParams(request);
  if (form === undefined)
    return { ok: false, error: gatewayError('InvalidParameter', 'The form body is malformed.') };
  const payloadHash = headerValue(request, 'x-acs-content-sha256') ?? '';
  return {
    ok: true,
    value: {
      scheme: 'ACS3-HMAC-SHA256',
      accessKeyId,
      signature,
      stringToSign: `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest(request, signedHeaders, payloadHash))}`,
      payloadHashMatches: payloadHash === sha256Hex(request.body),
      timestamp: headerValue(request, 'x-acs-date') ?? '',
      nonce: headerValue(request, 'x-acs-signature-nonce') ?? '',
      securityToken: headerValue(request, 'x-acs-security-token'),
      action: headerValue(request, 'x-acs-action'),
      version: headerValue(request, 'x-acs-version'),
      params: [...request.query, ...form],
    },
  };
}

/** The six-part canonical request of §4b step 5. */
export function canonicalRequest(
  request: ReceivedRequest,
  signedHeaders: readonly string[],
  payloadHash: string,
): string {
  const headers = signedHeaders.map((name) => `${name}:${headerValue(request, name) ?? ''}\n`).join('');
  return [
    request.method.toUpperCase(),
    canonicalUri(request.path),
    canonicalQuery(request.query),
    headers,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

function canonicalUri(path: string): string {
  return path
    .split('/')
    .map((segment) => percentEncode(safeDecode(segment)))
    .join('/');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// Every header the gateway relies on must be covered by the signature, or it could be swapped freely.
function signedHeadersProblem(request: ReceivedRequest, signed: readonly string[]): string | undefined {
  const sorted = [...signed].sort();
  const canonical = signed.every(
    (name, i) => name === name.toLowerCase() && name === sorted[i] && name !== '',
  );
  if (!canonical || new Set(signed).size !== signed.length) {
    return 'SignedHeaders must be lower-case, sorted and unique.';
  }
  const absent = signed.find((name) => headerValue(request, name) === undefined);
  if (absent !== undefined) return `Signed header "${absent}" is not in the request.`;
  const mustSign = Object.keys(request.headers).filter(
    (name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'),
  );
  const unsigned = mustSign.find((name) => !signed.includes(name));
  return unsigned === undefined ? undefined : `Header "${unsigned}" must be signed.`;
}

function incomplete(detail: string): Result<SignedRequest, GatewayError> {
  return { ok: false, error: gatewayError('IncompleteSignature', detail) };
}

function missing(name: string): Result<SignedRequest, GatewayError> {
  return {
    ok: false,
    error: gatewayError('MissingParameter', `The header "${name}" is required.`),
  };
}
