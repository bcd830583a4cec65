import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignatureAlgorithm } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';
import { createAlibabaDmsClient } from '../../src/dms/alibaba-client.js';
import {
  ACTION_GET_JOB_DEGREE,
  ACTION_GET_ORDER_DETAIL,
  ACTION_LIST_ORDERS,
  type CallOptions,
  type DmsClient,
} from '../../src/dms/types.js';
import { callAction } from '../support/sdk-client.js';
import { startCapture, type CapturedRequest } from '../support/capture.js';

// The exporter signs with the Alibaba SDK's functions but sends with undici. Parity check: for each
// action it calls, it must send what @alicloud/openapi-client's own callApi sends, apart from the
// values that change on every request (nonce, time, signature) and the transport's own headers.

let capture: Awaited<ReturnType<typeof startCapture>>;

beforeAll(async () => {
  capture = await startCapture();
});
afterAll(() => capture.close());

const KEY = { id: 'LTAIparityKey01', secret: 'parity-secret', token: 'parity-token' };
const VOLATILE_QUERY = ['Timestamp', 'SignatureNonce', 'Signature'];
const VOLATILE_HEADERS = ['x-acs-date', 'x-acs-signature-nonce', 'authorization', 'user-agent'];
// Transport details, not signed: undici and the SDK's httpx write these differently.
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

const ACTIONS: ReadonlyArray<{
  action: string;
  query: Readonly<Record<string, string>>;
  call: (client: DmsClient, options: CallOptions) => Promise<unknown>;
}> = [
  {
    action: ACTION_GET_JOB_DEGREE,
    query: { OrderId: '42', Tid: '3000' },
    call: (client, options) => client.getJobDegree({ orderId: 42, tid: 3000 }, options),
  },
  {
    action: ACTION_GET_ORDER_DETAIL,
    query: { OrderId: '42', Tid: '3000' },
    call: (client, options) => client.getOrderDetail({ orderId: 42, tid: 3000 }, options),
  },
  {
    action: ACTION_LIST_ORDERS,
    query: {
      PluginType: 'DATA_TRACKING',
      OrderResultType: 'AS_ADMIN',
      OrderStatus: 'ALL',
      SearchDateType: 'CREATE_TIME',
      StartTime: '2026-01-01 00:00:00',
      EndTime: '2026-01-08 00:00:00',
      PageNumber: '2',
      PageSize: '100',
      Tid: '3000',
    },
    call: (client, options) =>
      client.listOrders(
        {
          pluginType: 'DATA_TRACKING',
          scope: 'AS_ADMIN',
          status: 'ALL',
          startTime: '2026-01-01 00:00:00',
          endTime: '2026-01-08 00:00:00',
          pageNumber: 2,
          pageSize: 100,
          tid: 3000,
        },
        options,
      ),
  },
];

/** The exporter's whole send path: its DMS client, signing with the SDK's functions, undici. */
function viaExporter(
  algorithm: SignatureAlgorithm,
  token: boolean,
  { call }: (typeof ACTIONS)[number],
): Promise<CapturedRequest> {
  const secret = (value: string) => ({ kind: 'literal', secret: new Secret(value) }) as const;
  const client = createAlibabaDmsClient(
    {
      name: 'parity',
      endpoint: capture.endpoint,
      protocol: 'http',
      tid: undefined,
      signatureAlgorithm: algorithm,
      credentials: {
        kind: 'access_key',
        accessKeyId: KEY.id,
        accessKeySecret: secret(KEY.secret),
        securityToken: token ? secret(KEY.token) : undefined,
      },
      rateLimit: undefined,
      proxy: { url: undefined, noProxy: undefined, passwordFile: undefined },
      consoleUrl: undefined,
      discovery: undefined,
    },
    { userAgent: '' },
  );
  // The capture server's answer is no valid DMS answer: only the request it recorded matters here.
  return theRequestOf(() => call(client, { signal: new AbortController().signal, timeoutMs: 5_000 }));
}

function viaSdk(
  algorithm: SignatureAlgorithm,
  token: boolean,
  { action, query }: (typeof ACTIONS)[number],
): Promise<CapturedRequest> {
  return theRequestOf(async () => {
    const result = await callAction(
      {
        endpoint: capture.endpoint,
        accessKeyId: KEY.id,
        accessKeySecret: KEY.secret,
        ...(token ? { securityToken: KEY.token } : {}),
        legacy: algorithm === 'HMAC-SHA1',
      },
      action,
      query,
    );
    // The capture server's answer, read back by the SDK: the call went there and succeeded.
    expect(result).toEqual({
      ok: true,
      statusCode: 200,
      body: { RequestId: 'captured', Success: true },
    });
  });
}

describe('the DMS client (signRequest + undici) against @alicloud/openapi-client callApi', () => {
  const cases = ACTIONS.flatMap((action) =>
    (
      [
        ['ACS3-HMAC-SHA256', false],
        ['ACS3-HMAC-SHA256', true],
        ['HMAC-SHA1', false],
        ['HMAC-SHA1', true],
      ] as const
    ).map(([algorithm, token]) => [action.action, algorithm, token, action] as const),
  );
  it.each(cases)('%s, %s (STS token: %s) sends the same request', async (_name, algorithm, token, action) => {
    const ours = await viaExporter(algorithm, token, action);
    const theirs = await viaSdk(algorithm, token, action);
    expect(stable(ours)).toEqual(stable(theirs));
    if (algorithm === 'ACS3-HMAC-SHA256') {
      const signedHeaders = (h: IncomingHttpHeaders) =>
        /SignedHeaders=([^,]+)/.exec(String(h.authorization))?.[1];
      expect(signedHeaders(ours.headers)).toBe(signedHeaders(theirs.headers));
    }
  });
});
