// The POP gateway's error answers (docs/dms-api.md §7 "Error shapes"). Codes and statuses follow the public
// error tables where they agree; the README marks which choices are guesses.

export type GatewayCode =
  | 'IncompleteSignature'
  | 'MissingParameter'
  | 'MissingOrderId'
  | 'InvalidParameter'
  | 'InvalidAccessKeyId.NotFound'
  | 'SignatureDoesNotMatch'
  | 'InvalidSecurityToken.MismatchWithAccessKey'
  | 'InvalidTimeStamp.Format'
  | 'InvalidTimeStamp.Expired'
  | 'SignatureNonceUsed'
  | 'Throttling.User'
  | 'Forbidden.RAM'
  | 'InvalidVersion'
  | 'InvalidApi.NotFound'
  | 'UnsupportedHTTPMethod'
  | 'RequestTooLarge'
  | 'InternalError'
  | 'ServiceUnavailable';

/** A rejection before (or instead of) the action: HTTP status, code, message. */
export interface GatewayError {
  readonly status: number;
  readonly code: GatewayCode;
  readonly message: string;
}

const CATALOGUE: Record<GatewayCode, { status: number; message: string }> = {
  IncompleteSignature: {
    status: 400,
    message: 'The request signature does not conform to Aliyun standards.',
  },
  MissingParameter: { status: 400, message: 'A mandatory input parameter is not supplied.' },
  MissingOrderId: {
    status: 400,
    message: 'The input parameter "OrderId" that is mandatory for processing this request is not supplied.',
  },
  InvalidParameter: { status: 400, message: 'The specified parameter is not valid.' },
  'InvalidAccessKeyId.NotFound': { status: 404, message: 'Specified access key is not found.' },
  SignatureDoesNotMatch: { status: 400, message: 'Specified signature is not matched with our calculation.' },
  'InvalidSecurityToken.MismatchWithAccessKey': {
    status: 400,
    message: 'The security token does not match the access key.',
  },
  'InvalidTimeStamp.Format': {
    status: 400,
    message: 'Specified time stamp or date value is not well formatted.',
  },
  'InvalidTimeStamp.Expired': { status: 400, message: 'Specified time stamp or date value is expired.' },
  SignatureNonceUsed: { status: 400, message: 'Specified signature nonce was used already.' },
  'Throttling.User': { status: 400, message: 'Request was denied due to user flow control.' },
  'Forbidden.RAM': {
    status: 403,
    message: "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
  },
  InvalidVersion: { status: 400, message: 'Specified parameter Version is not valid.' },
  'InvalidApi.NotFound': {
    status: 404,
    message: 'Specified api is not found, please check your url and method.',
  },
  UnsupportedHTTPMethod: { status: 400, message: 'This http method is not supported.' },
  RequestTooLarge: { status: 413, message: 'The request body is too large.' },
  InternalError: {
    status: 500,
    message: 'The request processing has failed due to some unknown error, exception or failure.',
  },
  ServiceUnavailable: {
    status: 503,
    message: 'The request has failed due to a temporary failure of the server.',
  },
};

/** The error for `code`; `detail` (never a secret) is appended to the standard message. */
export function gatewayError(code: GatewayCode, detail?: string): GatewayError {
  const entry = CATALOGUE[code];
  return { status: entry.status, code, message: detail ? `${entry.message} ${detail}` : entry.message };
}

/** The JSON body the real gateway sends with a 4xx/5xx. */
export function gatewayErrorBody(error: GatewayError, requestId: string): Record<string, string> {
  return {
    RequestId: requestId,
    HostId: 'dms-enterprise.aliyuncs.com',
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=dms-enterprise&requestId=${requestId}`,
  };
}
