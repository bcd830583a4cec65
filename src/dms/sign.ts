// Request signing, done by the Alibaba SDK's own functions (@alicloud/openapi-util, @alicloud/tea-util):
// this file builds exactly the request @alicloud/openapi-client's callApi builds for an RPC action
// (docs/dms-api.md §2-§3), without the client's transport. The packages are CommonJS: a default
// import gives their module.exports (under Node, vitest and the build's bundler alike), so the
// classes are on `.default`.
import OpenApiUtilModule from '@alicloud/openapi-util';
import TeaUtilModule from '@alicloud/tea-util';
import type { SignatureAlgorithm } from '../config/schema.js';
import type { CredentialModel } from './credentials.js';

const OpenApiUtil = OpenApiUtilModule.default;
const TeaUtil = TeaUtilModule.default;

export const API_VERSION = '2018-11-01';
const ACS3 = 'ACS3-HMAC-SHA256';
// The SHA-256 of an empty body: every RPC action sends its parameters in the query.
const EMPTY_PAYLOAD_HASH = OpenApiUtil.hexEncode(OpenApiUtil.hash(Buffer.alloc(0), ACS3));

export interface SignedRequest {
  readonly method: 'POST';
  readonly path: '/';
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
}

export interface SigningContext {
  /** `host[:port]`, signed as the Host header. */
  readonly endpoint: string;
  readonly algorithm: SignatureAlgorithm;
  /** Appended to the SDK's own user agent, as callApi does. */
  readonly userAgent: string;
}

/** A signed POST of `action` with `params` in the query, for the given credentials. */
export function signRequest(
  action: string,
  params: Readonly<Record<string, string>>,
  credential: CredentialModel,
  context: SigningContext,
): SignedRequest {
  return context.algorithm === ACS3
    ? signAcs3(action, params, credential, context)
    : signRpc(action, params, credential, context);
}

function commonHeaders(
  action: string,
  credential: CredentialModel,
  context: SigningContext,
): Record<string, string> {
  return {
    host: context.endpoint,
    'x-acs-version': API_VERSION,
    'x-acs-action': action,
    'user-agent': TeaUtil.getUserAgent(context.userAgent),
    'x-acs-credentials-provider': credential.providerName,
  };
}

// ACS3-HMAC-SHA256 (docs/dms-api.md §3a): parameters in the query, identity and time in signed headers.
function signAcs3(
  action: string,
  params: Readonly<Record<string, string>>,
  credential: CredentialModel,
  context: SigningContext,
): SignedRequest {
  const headers: Record<string, string> = {
    ...commonHeaders(action, credential, context),
    'x-acs-date': OpenApiUtil.getTimestamp(),
    'x-acs-signature-nonce': TeaUtil.getNonce(),
    accept: 'application/json',
    'x-acs-content-sha256': EMPTY_PAYLOAD_HASH,
  };
  if (credential.securityToken !== undefined) {
    headers['x-acs-accesskey-id'] = credential.accessKeyId;
    headers['x-acs-security-token'] = credential.securityToken;
  }
  const request = { method: 'POST', pathname: '/', query: { ...params }, headers };
  headers.Authorization = OpenApiUtil.getAuthorization(
    request as unknown as Parameters<typeof OpenApiUtil.getAuthorization>[0],
    ACS3,
    EMPTY_PAYLOAD_HASH,
    credential.accessKeyId,
    credential.accessKeySecret,
  );
  return { method: 'POST', path: '/', query: request.query, headers };
}

// The legacy RPC signature, HMAC-SHA1 (docs/dms-api.md §3b): everything in the query.
function signRpc(
  action: string,
  params: Readonly<Record<string, string>>,
  credential: CredentialModel,
  context: SigningContext,
): SignedRequest {
  const query: Record<string, string> = {
    Action: action,
    Format: 'json',
    Version: API_VERSION,
    Timestamp: OpenApiUtil.getTimestamp(),
    SignatureNonce: TeaUtil.getNonce(),
    ...params,
  };
  if (credential.securityToken !== undefined) query.SecurityToken = credential.securityToken;
  query.SignatureMethod = 'HMAC-SHA1';
  query.SignatureVersion = '1.0';
  query.AccessKeyId = credential.accessKeyId;
  query.Signature = OpenApiUtil.getRPCSignature(query, 'POST', credential.accessKeySecret);
  return { method: 'POST', path: '/', query, headers: commonHeaders(action, credential, context) };
}
