import { describe, expect, it } from 'vitest';
import { classifySdkError } from '../../src/dms/classify-error.js';
import { redactMessage } from '../../src/dms/redact.js';

/** Error shapes as @alicloud/openapi-client 0.4.15 throws them (docs/dms-api.md §5). */
function sdkError(props: Record<string, unknown>, message = 'boom'): Error {
  return Object.assign(new Error(message), props);
}

describe('classifySdkError', () => {
  it.each([
    [
      'a gateway error keeps its Alibaba code and request id',
      sdkError({ code: 'Throttling.User', statusCode: 400, data: { RequestId: 'R-x' } }),
      'Throttling.User',
      'R-x',
    ],
    ['a read timeout', sdkError({ name: 'RequestTimeoutError' }), 'timeout', undefined],
    ['a refused connection', sdkError({ code: 'ECONNREFUSED' }), 'network', undefined],
    ['a stale keep-alive socket', sdkError({ code: 'ECONNRESET' }), 'network', undefined],
    ['an HTML error page', new SyntaxError("Unexpected token '<'"), 'malformed_response', undefined],
    ['a JSON error without a code', sdkError({ statusCode: 502, data: {} }), 'http_502', undefined],
    ['a code that is not an Alibaba code', sdkError({ code: 'has spaces and {braces}' }), 'other', undefined],
    ['a code far too long', sdkError({ code: 'A'.repeat(65) }), 'other', undefined],
    ['something thrown that is not an error', 'a string', 'other', undefined],
  ])('%s', (_what, thrown, code, requestId) => {
    expect(classifySdkError(thrown)).toMatchObject({ code, requestId });
  });
});

describe('redactMessage', () => {
  it('removes the query of a legacy-signed URL, which carries the key id and signature', () => {
    const message =
      'ReadTimeout(500). POST http://127.0.0.1:9/?Action=GetDataTrackJobDegree&AccessKeyId=LTAIabc&Signature=xyz%3D failed.';
    expect(redactMessage(message, [])).toBe('ReadTimeout(500). POST http://127.0.0.1:9/?<redacted> failed.');
  });

  it('removes a quoted string-to-sign and any known secret', () => {
    const message =
      'Specified signature is not matched. server string to sign is:POST&%2F&AccessKeyId%3DLTAIabc key LTAIabc';
    const out = redactMessage(message, ['LTAIabc']);
    expect(out).not.toContain('LTAIabc');
    expect(out).toBe(
      'Specified signature is not matched. server string to sign is: <redacted> key <redacted>',
    );
  });
});
