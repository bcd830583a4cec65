import { describe, expect, it } from 'vitest';
import {
  classifyCredentialError,
  classifyHttpError,
  classifyTransportFailure,
} from '../../src/dms/classify-error.js';
import { redactMessage } from '../../src/dms/redact.js';

// Gateway error shapes as docs/dms-api.md §5 and §7 describe them.
const json = 'application/json;charset=utf-8';

describe('classifyHttpError', () => {
  it.each([
    [
      'a gateway error keeps its Alibaba code and request id',
      {
        status: 400,
        contentType: json,
        body: '{"RequestId":"R-x","Code":"Throttling.User","Message":"slow down"}',
      },
      'Throttling.User',
      'R-x',
    ],
    [
      'lower-case keys',
      { status: 403, contentType: json, body: '{"code":"Forbidden.RAM","requestId":"R-y"}' },
      'Forbidden.RAM',
      'R-y',
    ],
    [
      'an XML error',
      {
        status: 404,
        contentType: 'text/xml;charset=utf-8',
        body: '<Error><RequestId>R-z</RequestId><Code>InvalidApi.NotFound</Code></Error>',
      },
      'InvalidApi.NotFound',
      'R-z',
    ],
    [
      'an HTML error page from a load balancer',
      { status: 502, contentType: 'text/html', body: '<html>Bad gateway</html>' },
      'http_502',
      undefined,
    ],
    ['an empty body', { status: 503, contentType: '', body: '' }, 'http_503', undefined],
    ['JSON without a code', { status: 500, contentType: json, body: '{}' }, 'http_500', undefined],
    [
      'a code that is not an Alibaba code',
      { status: 400, contentType: json, body: '{"Code":"has spaces {x}"}' },
      'http_400',
      undefined,
    ],
    [
      'a code far too long',
      { status: 400, contentType: json, body: JSON.stringify({ Code: 'A'.repeat(65) }) },
      'http_400',
      undefined,
    ],
  ])('%s', (_what, answer, code, requestId) => {
    expect(classifyHttpError(answer)).toMatchObject({ code, requestId });
  });
});

describe('classifyTransportFailure and classifyCredentialError', () => {
  it('names timeouts, network failures and oversized answers by our own codes', () => {
    expect(classifyTransportFailure({ kind: 'timeout', message: 'late' }).code).toBe('timeout');
    expect(classifyTransportFailure({ kind: 'network', message: 'refused', code: 'ECONNREFUSED' }).code).toBe(
      'network',
    );
    expect(classifyTransportFailure({ kind: 'too_large', message: 'big' }).code).toBe('malformed_response');
  });

  it.each([
    ['refused', 'proxy_refused'],
    ['auth', 'proxy_auth'],
    ['timeout', 'proxy_timeout'],
  ] as const)('names a proxy that %s by its own code', (problem, code) => {
    expect(classifyTransportFailure({ kind: 'proxy', problem, message: 'm' }).code).toBe(code);
  });

  it("keeps a credential error code that looks like Alibaba's, else says InvalidCredentials", () => {
    expect(classifyCredentialError(Object.assign(new Error('x'), { code: 'secret_unreadable' })).code).toBe(
      'secret_unreadable',
    );
    expect(classifyCredentialError(new Error('no provider worked')).code).toBe('InvalidCredentials');
    expect(classifyCredentialError('a string').code).toBe('InvalidCredentials');
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
