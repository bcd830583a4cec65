import { parseParams, type Param } from './encoding.js';

/** What the server received, reduced to what the checks read. Header names are lower-case. */
export interface ReceivedRequest {
  readonly method: string;
  /** The raw path before `?`, e.g. `/`. */
  readonly path: string;
  readonly query: readonly Param[];
  /** Every value of each header, in arrival order (Node's `headersDistinct`). */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  readonly body: Buffer;
}

/** A request whose signature fields were found; nothing is verified yet. */
export interface SignedRequest {
  readonly scheme: 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';
  readonly accessKeyId: string;
  readonly signature: string;
  /** Everything the signature covers, hashed or not; it needs no secret to build. */
  readonly stringToSign: string;
  /** False when the ACS3 body hash header does not describe the body: reported as a signature mismatch. */
  readonly payloadHashMatches: boolean;
  readonly timestamp: string;
  readonly nonce: string;
  readonly securityToken: string | undefined;
  readonly action: string | undefined;
  readonly version: string | undefined;
  /** Query parameters plus form-body parameters, decoded: what the action reads. */
  readonly params: readonly Param[];
}

/** The one value of a header; repeated headers are joined with `,` as the ACS3 canonical form does. */
export function headerValue(request: ReceivedRequest, name: string): string | undefined {
  const values = request.headers[name];
  if (values === undefined || values.length === 0) return undefined;
  return values.map((v) => v.trim()).join(',');
}

/** Form-body parameters when the body is a form (both schemes treat them as request parameters). */
export function formParams(request: ReceivedRequest): Param[] | undefined {
  const type = headerValue(request, 'content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return [];
  return parseParams(request.body.toString('utf8'));
}
