import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignatureAlgorithm } from '../../src/config/schema.js';
import { signRequest } from '../../src/dms/sign.js';
import { createTransport } from '../../src/dms/transport.js';
import { callJobDegree } from '../support/sdk-client.js';
import { startCapture, type CapturedRequest } from '../support/capture.js';

// The exporter signs with the Alibaba SDK's functions but sends with node:http. Parity check: for the
// same call it must send what @alicloud/openapi-client's own callApi sends, apart from the values that
// change on every request (nonce, time, signature) and the transport's own headers.

let capture: Awaited<ReturnType<typeof startCapture>>;

beforeAll(async () => {
  capture = await startCapture();
});
afterAll(() => capture.close());

const KEY = { id: 'LTAIparityKey01', secret: 'parity-secret', token: 'parity-token' };
const VOLATILE_QUERY = ['Timestamp', 'SignatureNonce', 'Signature'];
const VOLATILE_HEADERS = ['x-acs-date', 'x-acs-signature-nonce', 'authorization', 'user-agent'];
// Transport details, not signed: node:http and the SDK's httpx write these differently.
const TRANSPORT_HEADERS = ['connection', 'content-length', 'transfer-encoding'];

function stable(c: CapturedRequest): unknown {
  const url = new URL(c.url, 'http://x');
  const all = Object.fromEntries(url.searchParams);
  const query = Object.fromEntries(Object.entries(all).filter(([k]) => !VOLATILE_QUERY.includes(k)));
  const headers = Object.fromEntries(
    Object.entries(c.headers).filter(
      ([k]) => !VOLATILE_HEADERS.includes(k) && !TRANSPORT_HEADERS.includes(k),
    ),
  );
  return {
    method: c.method,
    path: url.pathname,
    query,
    queryKeys: Object.keys(all).sort(),
    headers,
    body: c.body.toString('utf8'),
  };
}

/** Runs `send` and returns the one request it made to the capture server (none or two fail the test). */
async function theRequestOf(send: () => Promise<unknown>): Promise<CapturedRequest> {
  const before = capture.captured.length;
  await send();
  expect(capture.captured.length).toBe(before + 1);
  return capture.captured[before] as CapturedRequest;
}

function viaExporter(algorithm: SignatureAlgorithm, token: boolean): Promise<CapturedRequest> {
  const signed = signRequest(
    'GetDataTrackJobDegree',
    { OrderId: '42', Tid: '3000' },
    {
      type: token ? 'sts' : 'access_key',
      providerName: token ? 'static_sts' : 'static_ak',
      accessKeyId: KEY.id,
      accessKeySecret: KEY.secret,
      securityToken: token ? KEY.token : undefined,
    },
    { endpoint: capture.endpoint, algorithm, userAgent: '' },
  );
  return theRequestOf(async () => {
    const sent = await createTransport('http', capture.endpoint).send(signed, {
      signal: new AbortController().signal,
      timeoutMs: 5_000,
    });
    expect(sent).toMatchObject({ ok: true, value: { status: 200 } });
  });
}

function viaSdk(algorithm: SignatureAlgorithm, token: boolean): Promise<CapturedRequest> {
  return theRequestOf(async () => {
    const result = await callJobDegree(
      {
        endpoint: capture.endpoint,
        accessKeyId: KEY.id,
        accessKeySecret: KEY.secret,
        ...(token ? { securityToken: KEY.token } : {}),
        legacy: algorithm === 'HMAC-SHA1',
      },
      { OrderId: 42, Tid: 3000 },
    );
    // The capture server's answer, read back by the SDK: the call went there and succeeded.
    expect(result).toEqual({
      ok: true,
      statusCode: 200,
      body: { RequestId: 'captured', Success: true },
    });
  });
}

describe('signRequest + transport against @alicloud/openapi-client callApi', () => {
  it.each([
    ['ACS3-HMAC-SHA256', false],
    ['ACS3-HMAC-SHA256', true],
    ['HMAC-SHA1', false],
    ['HMAC-SHA1', true],
  ] as const)('%s (STS token: %s) sends the same request', async (algorithm, token) => {
    const ours = await viaExporter(algorithm, token);
    const theirs = await viaSdk(algorithm, token);
    expect(stable(ours)).toEqual(stable(theirs));
    if (algorithm === 'ACS3-HMAC-SHA256') {
      const signedHeaders = (h: IncomingHttpHeaders) =>
        /SignedHeaders=([^,]+)/.exec(String(h.authorization))?.[1];
      expect(signedHeaders(ours.headers)).toBe(signedHeaders(theirs.headers));
    }
  });
});
