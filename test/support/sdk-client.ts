import OpenApiModule, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';

// The real Alibaba Cloud client (docs/dms-api.md §2), so the simulator is tested against what production
// sends. The package is CommonJS: the default import is its module.exports (vitest.config.ts keeps
// Node's interop), so the class sits on `.default`.
const OpenApi = OpenApiModule.default;

export interface ClientOptions {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  legacy?: boolean;
  readTimeoutMs?: number;
}

export type CallResult =
  | { ok: true; statusCode: number; body: Record<string, unknown> }
  | { ok: false; code: string | undefined; statusCode: number | undefined; name: string; message: string };

export type Query = Readonly<Record<string, string | number | undefined>>;

/** One GetDataTrackJobDegree call; a thrown client error becomes a value. */
export function callJobDegree(options: ClientOptions, query: Query): Promise<CallResult> {
  return callAction(options, 'GetDataTrackJobDegree', query);
}

/**
 * One call of a DMS action the way Alibaba's generated SDK makes it (RPC style, POST, every parameter
 * in the query, JSON answer); a thrown client error becomes a value. Undefined parameters are left out.
 */
export async function callAction(options: ClientOptions, action: string, query: Query): Promise<CallResult> {
  const client = new OpenApi(
    new $OpenApi.Config({
      accessKeyId: options.accessKeyId,
      accessKeySecret: options.accessKeySecret,
      securityToken: options.securityToken,
      endpoint: options.endpoint,
      protocol: 'http',
      readTimeout: options.readTimeoutMs ?? 5_000,
      connectTimeout: options.readTimeoutMs ?? 5_000,
      ...(options.legacy ? { signatureAlgorithm: 'v2' } : {}),
    }),
  );
  const params = new $OpenApi.Params({
    action,
    version: '2018-11-01',
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const request = new $OpenApi.OpenApiRequest({
    query: Object.fromEntries(
      Object.entries(query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    ),
  });
  try {
    const response = await client.callApi(params, request, new $Util.RuntimeOptions({}));
    return {
      ok: true,
      statusCode: Number(response.statusCode),
      body: response.body as Record<string, unknown>,
    };
  } catch (error) {
    const e = error as { code?: unknown; statusCode?: unknown; name?: unknown; message?: unknown };
    return {
      ok: false,
      code: typeof e.code === 'string' ? e.code : undefined,
      statusCode: typeof e.statusCode === 'number' ? e.statusCode : undefined,
      name: typeof e.name === 'string' ? e.name : 'Error',
      message: typeof e.message === 'string' ? e.message : String(error),
    };
  }
}
