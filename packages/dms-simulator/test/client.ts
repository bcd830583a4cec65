import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { send, type RawRequest } from './wire.js';

// The client these tests call the simulator with: a request shaped like the one Alibaba's SDK sends
// (RPC style, POST, the action's parameters in the query; docs/dms-api.md §3), signed by a minimal
// signer written from the published algorithms (§4a, §4b). It shares no code with the simulator's
// verifiers. The exporter's tests reach the simulator with the exporter's own client (signed with
// @alicloud/openapi-util, sent with undici) and with @alicloud/openapi-client itself.

export interface ClientOptions {
  /** `host:port` on loopback. */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string | undefined;
  /** The legacy RPC signature (HMAC-SHA1) instead of ACS3-HMAC-SHA256. */
  readonly legacy?: boolean;
  /** Give up after this long; default 5 s. */
  readonly timeoutMs?: number;
}

export type Query = Readonly<Record<string, string | number | undefined>>;

/**
 * As the SDK sees an answer: HTTP 2xx with a JSON body is a value (`Success: false` included);
 * anything else is a failure, with the gateway's `Code` when the body has one.
 */
export type CallResult =
  | { readonly ok: true; readonly statusCode: number; readonly body: Record<string, unknown> }
  | {
      readonly ok: false;
      /** Undefined when no answer came (a timeout). */
      readonly statusCode: number | undefined;
      readonly code: string | undefined;
      readonly message: string;
    };

const VERSION = '2018-11-01';
// Kept-alive sockets, as a real client pools them: close() must not wait for them.
const agent = new Agent({ keepAlive: true });

/** One GetDataTrackJobDegree call. */
export function callJobDegree(options: ClientOptions, query: Query): Promise<CallResult> {
  return callAction(options, 'GetDataTrackJobDegree', query);
}

/** One signed call of `action`; parameters that are undefined are left out. */
export async function callAction(options: ClientOptions, action: string, query: Query): Promise<CallResult> {
  const port = Number(options.endpoint.slice(options.endpoint.lastIndexOf(':') + 1));
  try {
    const response = await send(
      port,
      signedRequest(options, action, query),
      {},
      {
        agent,
        timeoutMs: options.timeoutMs ?? 5_000,
      },
    );
    const body = parseJson(response.text);
    if (response.status < 300 && body !== undefined) return { ok: true, statusCode: response.status, body };
    const code = typeof body?.Code === 'string' ? body.Code : undefined;
    return { ok: false, statusCode: response.status, code, message: response.text };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, statusCode: undefined, code: undefined, message };
  }
}

/** The request `callAction` sends, freshly signed (a new nonce and time each call). */
export function signedRequest(options: ClientOptions, action: string, query: Query): RawRequest {
  const params = Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]): [string, string] => [name, String(value)]);
  const common = {
    timestamp: `${new Date().toISOString().slice(0, 19)}Z`,
    nonce: randomBytes(16).toString('hex'),
  };
  if (options.legacy === true) {
    const signed = signRpcQuery(
      {
        Action: action,
        Format: 'json',
        Version: VERSION,
        Timestamp: common.timestamp,
        SignatureNonce: common.nonce,
        ...Object.fromEntries(params),
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        AccessKeyId: options.accessKeyId,
        ...(options.securityToken === undefined ? {} : { SecurityToken: options.securityToken }),
      },
      options.accessKeySecret,
    );
    return { method: 'POST', url: `/?${signed}`, headers: { host: options.endpoint }, body: Buffer.alloc(0) };
  }
  const headers: Record<string, string> = {
    host: options.endpoint,
    'x-acs-action': action,
    'x-acs-content-sha256': sha256Hex(''),
    'x-acs-date': common.timestamp,
    'x-acs-signature-nonce': common.nonce,
    'x-acs-version': VERSION,
    ...(options.securityToken === undefined
      ? {}
      : { 'x-acs-accesskey-id': options.accessKeyId, 'x-acs-security-token': options.securityToken }),
  };
  const encoded = params.map(([name, value]) => `${pct(name)}=${pct(value)}`).join('&');
  const authorization = acs3Authorization('POST', encoded, headers, options);
  return {
    method: 'POST',
    url: `/?${encoded}`,
    headers: { ...headers, authorization },
    body: Buffer.alloc(0),
  };
}

/** §4b: the canonical request over every header given (all of them must be signed), HMAC-SHA256 in hex. */
function acs3Authorization(
  method: string,
  query: string,
  headers: Readonly<Record<string, string>>,
  options: ClientOptions,
): string {
  const names = Object.keys(headers).sort();
  const sortedQuery = query.split('&').filter(Boolean).sort().join('&');
  const canonical = [
    method,
    '/',
    sortedQuery,
    names.map((name) => `${name}:${headers[name]?.trim() ?? ''}\n`).join(''),
    names.join(';'),
    sha256Hex(''),
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256Hex(canonical)}`;
  const signature = createHmac('sha256', options.accessKeySecret).update(stringToSign).digest('hex');
  return `ACS3-HMAC-SHA256 Credential=${options.accessKeyId},SignedHeaders=${names.join(';')},Signature=${signature}`;
}

/**
 * §4a: every parameter sorted and encoded, the legacy string-to-sign, HMAC-SHA1 keyed with the
 * secret and `&`; the query to send, `Signature` last. Also for requests no real client would send
 * (a malformed Timestamp, another Version).
 */
export function signRpcQuery(params: Record<string, string>, secret: string, method = 'POST'): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${pct(k)}=${pct(params[k] ?? '')}`)
    .join('&');
  const stringToSign = `${method}&${pct('/')}&${pct(canonical)}`;
  const signature = createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
  return `${canonical}&Signature=${pct(signature)}`;
}

/** RFC 3986: only `A-Z a-z 0-9 - _ . ~` stay as they are. */
function pct(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data).digest('hex');
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
