// The one file that imports the Alibaba SDK (STYLE.md principle 7). The SDK packages are CommonJS,
// and ESM default-import interop differs between Node (module.exports) and vitest (exports.default);
// require() gives module.exports everywhere, so the classes are always on `.default`. (A type-only
// default import is the type of module.exports under NodeNext.)
import { createRequire } from 'node:module';
import type OpenApiModule from '@alicloud/openapi-client';
import type TeaUtilModule from '@alicloud/tea-util';
import type OpenApiUtilModule from '@alicloud/openapi-util';
import type { Profile } from '../config/schema.js';
import { FileBackedCredential } from './credentials.js';
import { interpretJobDegreeBody } from './answer.js';
import { RecoveringDefaultChain } from './default-chain.js';
import { classifySdkError } from './classify-error.js';
import { redactMessage } from './redact.js';
import { raceAbort } from '../util/abort.js';
import { err } from '../util/result.js';
import {
  ACTION_GET_JOB_DEGREE,
  DEADLINE_ERROR,
  type CallOptions,
  type DmsClient,
  type DmsResult,
  type JobDegreeRequest,
} from './types.js';

const require = createRequire(import.meta.url);
const $OpenApi = require('@alicloud/openapi-client') as typeof OpenApiModule;
const $Util = require('@alicloud/tea-util') as typeof TeaUtilModule;
const OpenApi = $OpenApi.default;
const OpenApiUtil = (require('@alicloud/openapi-util') as typeof OpenApiUtilModule).default;
type OpenApiClient = InstanceType<typeof OpenApi>;

const API_VERSION = '2018-11-01';

export interface AlibabaClientOptions {
  readonly userAgent: string;
}

/** A DmsClient for one profile, calling DMS through `@alicloud/openapi-client`. */
export function createAlibabaDmsClient(profile: Profile, options: AlibabaClientOptions): DmsClient {
  const credential =
    profile.credentials.kind === 'access_key'
      ? new FileBackedCredential(profile.credentials)
      : // Without any credential the SDK does not fall back to the chain: it must be passed explicitly.
        new RecoveringDefaultChain();
  const sdk = new OpenApi(
    new $OpenApi.Config({
      credential,
      endpoint: profile.endpoint,
      // Config.protocol overrides Params.protocol; unset, the SDK would speak https to the simulator.
      protocol: profile.protocol,
      userAgent: options.userAgent,
      ...(profile.signatureAlgorithm === 'HMAC-SHA1' ? { signatureAlgorithm: 'v2' } : {}),
    }),
  );
  const knownSecrets = (): readonly string[] =>
    credential instanceof FileBackedCredential ? credential.knownSecrets() : [];
  return {
    getJobDegree: (request, callOptions) => callJobDegree(sdk, request, callOptions, knownSecrets),
  };
}

async function callJobDegree(
  sdk: OpenApiClient,
  request: JobDegreeRequest,
  { signal, timeoutMs }: CallOptions,
  knownSecrets: () => readonly string[],
): Promise<DmsResult> {
  if (signal.aborted) return err(DEADLINE_ERROR);
  const query: Record<string, number> = { OrderId: request.orderId };
  if (request.tid !== undefined) query.Tid = request.tid;
  const params = new $OpenApi.Params({
    action: ACTION_GET_JOB_DEGREE,
    version: API_VERSION,
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const openApiRequest = new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query(query) });
  // connectTimeout is really a socket-idle timer for the whole exchange: keep it >= readTimeout.
  const timeout = Math.max(1, Math.ceil(timeoutMs));
  const runtime = new $Util.RuntimeOptions({ readTimeout: timeout, connectTimeout: timeout });

  const call = sdk.callApi(params, openApiRequest, runtime).then(
    (response: { body?: unknown }) => interpretJobDegreeBody(response.body),
    (thrown: unknown): DmsResult => {
      const { rawMessage, ...error } = classifySdkError(thrown);
      return err({ ...error, message: redactMessage(rawMessage, knownSecrets()) });
    },
  );
  // The SDK takes no AbortSignal: answer `timeout` at once and let the SDK's own timer end the socket.
  return raceAbort(call, signal, (): DmsResult => err(DEADLINE_ERROR));
}
