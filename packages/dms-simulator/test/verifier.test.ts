import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalQuery, parseParams, percentEncode } from '../src/encoding.js';
import type { ReceivedRequest } from '../src/request.js';
import { constantTimeEqual, expectedSignature, signatureMatches } from '../src/signature.js';
import { canonicalRequest, parseAcs3 } from '../src/verify-acs3.js';
import { parseRpc, rpcStringToSign } from '../src/verify-rpc.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function request(partial: Partial<ReceivedRequest>): ReceivedRequest {
  return { method: 'POST', path: '/', query: [], headers: {}, body: Buffer.alloc(0), ...partial };
}

describe('percent-encoding', () => {
  it("encodes * ' ( ) ! and space, keeps ~, and encodes UTF-8 with upper-case hex", () => {
    expect(percentEncode("* ' ( ) ! ~")).toBe('%2A%20%27%20%28%20%29%20%21%20~');
    expect(percentEncode('数据追踪')).toBe('%E6%95%B0%E6%8D%AE%E8%BF%BD%E8%B8%AA');
    expect(percentEncode('a+b/c?d&e=f%')).toBe('a%2Bb%2Fc%3Fd%26e%3Df%25');
    expect(percentEncode('Az09-_.~')).toBe('Az09-_.~');
  });

  it('decodes what arrived before re-encoding, keeping a raw + literal', () => {
    expect(parseParams("a=*'()!&b=%20x&c=1+2&d&e=")).toEqual([
      { name: 'a', value: "*'()!" },
      { name: 'b', value: ' x' },
      { name: 'c', value: '1+2' },
      { name: 'd', value: '' },
      { name: 'e', value: '' },
    ]);
    expect(parseParams('a=%E0%A4%A')).toBeUndefined();
  });

  it('sorts by name and writes the canonical query', () => {
    const params = parseParams('Tid=678&OrderId=12345&Name=%E4%B8%AD%20*&Empty=') ?? [];
    expect(canonicalQuery(params)).toBe('Empty=&Name=%E4%B8%AD%20%2A&OrderId=12345&Tid=678');
  });
});

describe('legacy RPC (HMAC-SHA1) verification', () => {
  it('reproduces the published DescribeRegions example signature', () => {
    // Alibaba Cloud's documented RPC signing example (AccessKeySecret "testsecret").
    const query = parseParams(
      'AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D',
    );
    const parsed = parseRpc(request({ method: 'GET', query: query ?? [] }));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.stringToSign).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(expectedSignature(parsed.value, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    expect(signatureMatches(parsed.value, 'testsecret')).toBe(true);
    expect(signatureMatches(parsed.value, 'other')).toBe(false);
  });

  it('signs form-body parameters together with the query', () => {
    const parsed = parseRpc(
      request({
        query: parseParams('AccessKeyId=k&Signature=x&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0') ?? [],
        headers: { 'content-type': ['application/x-www-form-urlencoded'] },
        body: Buffer.from(
          "Timestamp=2026-01-01T00%3A00%3A00Z&SignatureNonce=n&Action=A&Version=V&Note=it's%20*",
        ),
      }),
    );
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.stringToSign).toBe(
      rpcStringToSign(
        'POST',
        'AccessKeyId=k&Action=A&Note=it%27s%20%2A&SignatureMethod=HMAC-SHA1&SignatureNonce=n&SignatureVersion=1.0&Timestamp=2026-01-01T00%3A00%3A00Z&Version=V',
      ),
    );
  });

  it('names what is missing', () => {
    const result = parseRpc(request({ query: parseParams('AccessKeyId=k') ?? [] }));
    expect(result).toMatchObject({ ok: false, error: { code: 'IncompleteSignature', status: 400 } });
    const noNonce = parseRpc(
      request({
        query: parseParams('AccessKeyId=k&Signature=s&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0') ?? [],
      }),
    );
    expect(noNonce).toMatchObject({
      ok: false,
      error: { code: 'MissingParameter', message: expect.stringContaining('"Timestamp"') as unknown },
    });
  });
});

describe('ACS3-HMAC-SHA256 verification', () => {
  const headers = {
    host: ['127.0.0.1:8080'],
    'x-acs-action': ['GetDataTrackJobDegree'],
    'x-acs-version': ['2018-11-01'],
    'x-acs-date': ['2026-11-28T12:35:52Z'],
    'x-acs-signature-nonce': ['abc'],
    'x-acs-content-sha256': [EMPTY_SHA256],
  };
  const signedList = 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version';

  function signed(secret: string, extra: Record<string, string[]> = {}): ReceivedRequest {
    const base = request({
      query: parseParams('OrderId=12345&Tid=678') ?? [],
      headers: { ...headers, ...extra },
    });
    // Signed here with the doc's formula directly, so the test does not trust the simulator's own hashing.
    const canonical = [
      'POST',
      '/',
      'OrderId=12345&Tid=678',
      signedList
        .split(';')
        .map((h) => `${h}:${base.headers[h]?.[0] ?? ''}\n`)
        .join(''),
      signedList,
      EMPTY_SHA256,
    ].join('\n');
    expect(canonicalRequest(base, signedList.split(';'), EMPTY_SHA256)).toBe(canonical);
    const toSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
    const signature = createHmac('sha256', secret).update(toSign).digest('hex');
    const authorization = `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=${signedList},Signature=${signature}`;
    return { ...base, headers: { ...base.headers, authorization: [authorization] } };
  }

  it('accepts a correctly signed request and rejects another secret', () => {
    const parsed = parseAcs3(signed('secret'));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value).toMatchObject({ accessKeyId: 'AK', action: 'GetDataTrackJobDegree', nonce: 'abc' });
    expect(signatureMatches(parsed.value, 'secret')).toBe(true);
    expect(signatureMatches(parsed.value, 'secreT')).toBe(false);
  });

  it('treats a body that does not match x-acs-content-sha256 as a signature mismatch', () => {
    const parsed = parseAcs3({ ...signed('secret'), body: Buffer.from('x') });
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(signatureMatches(parsed.value, 'secret')).toBe(false);
  });

  it('requires every x-acs-* header and host to be signed', () => {
    const result = parseAcs3(signed('secret', { 'x-acs-extra': ['1'] }));
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'IncompleteSignature',
        message: expect.stringContaining('"x-acs-extra" must be signed') as unknown,
      },
    });
  });

  it('rejects a malformed Authorization header as IncompleteSignature', () => {
    const bad = { ...signed('secret') };
    const result = parseAcs3({
      ...bad,
      headers: { ...bad.headers, authorization: ['ACS3-HMAC-SHA256 Credential=AK'] },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'IncompleteSignature', status: 400 } });
  });
});

describe('constant-time comparison', () => {
  it('compares equal and unequal strings of any length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
