import type { Result } from 'yaml-files';
import { canonicalQuery, paramValue, percentEncode } from './encoding.js';
import { gatewayError, type GatewayError } from './errors.js';
import { formParams, type ReceivedRequest, type SignedRequest } from './request.js';

// Legacy RPC signature (HMAC-SHA1, SignatureVersion 1.0), built from docs/dms-api.md §4a alone.

const REQUIRED = ['Timestamp', 'SignatureNonce', 'Action', 'Version'] as const;

/** Reads the signature parameters from query and form body into a SignedRequest, or an error. */
export function parseRpc(request: ReceivedRequest): Result<SignedRequest, GatewayError> {
  const form = formParams(request);
  if (form === undefined)
    return { ok: false, error: gatewayError('InvalidParameter', 'The form body is malformed.') };
  const all = [...request.query, ...form];
  const accessKeyId = paramValue(all, 'AccessKeyId');
  const signature = paramValue(all, 'Signature');
  if (accessKeyId === undefined || signature === undefined) {
    return incomplete('AccessKeyId and Signature are required.');
  }
  if (paramValue(all, 'SignatureMethod') !== 'HMAC-SHA1' || paramValue(all, 'SignatureVersion') !== '1.0') {
    return incomplete('Only SignatureMethod=HMAC-SHA1 with SignatureVersion=1.0 is supported.');
  }
  const absent = REQUIRED.find((name) => paramValue(all, name) === undefined);
  if (absent !== undefined) {
    return { ok: false, error: gatewayError('MissingParameter', `The parameter "${absent}" is required.`) };
  }
  const signed = all.filter((p) => p.name !== 'Signature');
  return {
    ok: true,
    value: {
      scheme: 'HMAC-SHA1',
      accessKeyId,
      signature,
      stringToSign: rpcStringToSign(request.method, canonicalQuery(signed)),
      payloadHashMatches: true,
      timestamp: paramValue(all, 'Timestamp') ?? '',
      nonce: paramValue(all, 'SignatureNonce') ?? '',
      securityToken: paramValue(all, 'SecurityToken'),
      action: paramValue(all, 'Action'),
      version: paramValue(all, 'Version'),
      params: all,
    },
  };
}

/** `METHOD&%2F&` + the canonical query encoded a second time (§4a step 5). */
export function rpcStringToSign(method: string, canonical: string): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonical)}`;
}

function incomplete(detail: string): Result<SignedRequest, GatewayError> {
  return { ok: false, error: gatewayError('IncompleteSignature', detail) };
}
