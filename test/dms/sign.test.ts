import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignatureAlgorithm } from '../../src/config/schema.js';
import { signRequest } from '../../src/dms/sign.js';
import { createTransport } from '../../src/dms/transport.js';
import { listen, type ListeningServer } from '../../src/util/http-server.js';
import { callJobDegree } from '../simulator/client.js';

// The exporter signs with the Alibaba SDK's functions but sends with node:http. Parity check: for the
// same call it must send what @alicloud/openapi-client's own callApi sends, apart from the values that
// change on every request (nonce, time, signature) and the transport's own headers.

interface Captured {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
}

const captured: Captured[] = [];
let server: ListeningServer;

beforeAll(async () => {
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    captured.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"Success":true}');
  });
  server = await listen(http, { host: '127.0.0.1', port: 0 });
});
afterAll(() => server.close(0));

const KEY = { id: 'LTAIparityKey01', secret: 'parity-secret', token: 'parity-token' };
const VOLATILE_QUERY = ['Timestamp', 'SignatureNonce', 'Signature'];
const VOLATILE_HEADERS = ['x-acs-date', 'x-acs-signature-nonce', 'authorization', 'user-agent'];
// Transport details, not signed: node:http and the SDK's httpx write these differently.
const TRANSPORT_HEADERS = ['connection', 'content-length', 'transfer-encoding'];

function stable(c: Captured): unknown {
  const query = Object.fromEntries(Object.entries(c.query).filter(([k]) => !VOLATILE_QUERY.includes(k)));
  const headers = Object.fromEntries(
    Object.entries(c.headers).filter(
      ([k]) => !VOLATILE_HEADERS.includes(k) && !TRANSPORT_HEADERS.includes(k),
    ),
  );
  return { method: c.method, path: c.path, query, queryKeys: Object.keys(c.query).sort(), headers };
}

async function viaExporter(algorithm: SignatureAlgorithm, token: boolean): Promise<Captured> {
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
    { endpoint: server.address, algorithm, userAgent: '' },
  );
  const sent = await createTransport('http', server.address).send(signed, {
    signal: new AbortController().signal,
    timeoutMs: 5_000,
  });
  expect(sent.ok).toBe(true);
  return captured[captured.length - 1] as Captured;
}

async function viaSdk(algorithm: SignatureAlgorithm, token: boolean): Promise<Captured> {
  await callJobDegree(
    {
      endpoint: server.address,
      accessKeyId: KEY.id,
      accessKeySecret: KEY.secret,
      ...(token ? { securityToken: KEY.token } : {}),
      legacy: algorithm === 'HMAC-SHA1',
    },
    { OrderId: 42, Tid: 3000 },
  );
  return captured[captured.length - 1] as Captured;
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
