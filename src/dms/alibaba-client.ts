import type { Logger } from 'pino';
import { err, ok, type Result } from 'yaml-files';
import type { Profile } from '../config/schema.js';
import { raceAbort } from '../util/abort.js';
import { interpretJobDegreeBody } from './answer.js';
import { interpretListOrdersBody, interpretOrderDetailBody } from './ticket-answers.js';
import {
  classifyCredentialError,
  classifyHttpError,
  classifyTransportFailure,
  type RawError,
} from './classify-error.js';
import { FileBackedCredential, type CredentialModel } from './credentials.js';
import { RecoveringDefaultChain } from './default-chain.js';
import { redactMessage } from './redact.js';
import { signRequest, type SigningContext } from './sign.js';
import { createTransport, type HttpAnswer, type Transport } from './transport.js';
import {
  ACTION_GET_JOB_DEGREE,
  ACTION_GET_ORDER_DETAIL,
  ACTION_LIST_ORDERS,
  DEADLINE_ERROR,
  type CallOptions,
  type DmsClient,
  type DmsError,
  type JobDegreeRequest,
} from './types.js';

export interface AlibabaClientOptions {
  readonly userAgent: string;
  /** Where a secret file that became unreadable is reported (once per change). */
  readonly logger?: Logger;
}

/**
 * A DmsClient for one profile: sign.ts signs each request, transport.ts sends it over node:http,
 * and every outcome becomes a typed value. Never throws.
 */
export function createAlibabaDmsClient(profile: Profile, options: AlibabaClientOptions): DmsClient {
  const credential =
    profile.credentials.kind === 'access_key'
      ? new FileBackedCredential(profile.credentials, (path, reason) =>
          options.logger?.warn(
            { profile: profile.name, path, reason },
            'secret file unreadable; using the value read before until it can be read again',
          ),
        )
      : new RecoveringDefaultChain();
  const caller = new ActionCaller(
    { endpoint: profile.endpoint, algorithm: profile.signatureAlgorithm, userAgent: options.userAgent },
    createTransport(profile.protocol, profile.endpoint),
    credential,
  );
  return {
    getJobDegree: (request, callOptions) =>
      caller.call(ACTION_GET_JOB_DEGREE, orderParams(request), interpretJobDegreeBody, callOptions),
    getOrderDetail: (request, callOptions) =>
      caller.call(ACTION_GET_ORDER_DETAIL, orderParams(request), interpretOrderDetailBody, callOptions),
    listOrders: (query, callOptions) => {
      const params: Record<string, string> = {
        PluginType: query.pluginType,
        OrderResultType: query.scope,
        OrderStatus: query.status,
        SearchDateType: 'CREATE_TIME',
        StartTime: query.startTime,
        EndTime: query.endTime,
        PageNumber: String(query.pageNumber),
        PageSize: String(query.pageSize),
      };
      if (query.tid !== undefined) params.Tid = String(query.tid);
      return caller.call(ACTION_LIST_ORDERS, params, interpretListOrdersBody, callOptions);
    },
  };
}

function orderParams(request: JobDegreeRequest): Record<string, string> {
  const params: Record<string, string> = { OrderId: String(request.orderId) };
  if (request.tid !== undefined) params.Tid = String(request.tid);
  return params;
}

interface CredentialSource {
  getCredential(): Promise<unknown>;
}

/** Enough for the credentials of the calls in flight across a few rotations. */
const MAX_KNOWN_SECRETS = 16;

/** Signs, sends and interprets one RPC action; knows which secrets to scrub from messages. */
class ActionCaller {
  // The credential values used lately, most recent last. Bounded: with secret files rotating, every
  // value ever read would otherwise stay for the life of the process.
  readonly #knownSecrets = new Set<string>();

  constructor(
    private readonly context: SigningContext,
    private readonly transport: Transport,
    private readonly credential: CredentialSource,
  ) {}

  async call<T>(
    action: string,
    params: Readonly<Record<string, string>>,
    interpret: (body: unknown) => Result<T, DmsError>,
    { signal, timeoutMs }: CallOptions,
  ): Promise<Result<T, DmsError>> {
    if (signal.aborted) return err(DEADLINE_ERROR);
    // The default chain may ask a metadata service: never let it outlive the caller's deadline.
    const model = await raceAbort(this.#credentialModel(), signal, () => err(DEADLINE_ERROR));
    if (!model.ok) return model;
    const signed = signRequest(action, params, model.value, this.context);
    const sent = await this.transport.send(signed, { signal, timeoutMs });
    if (!sent.ok)
      return sent.error.kind === 'aborted'
        ? err(DEADLINE_ERROR)
        : this.#fail(classifyTransportFailure(sent.error));
    return this.#interpret(sent.value, interpret);
  }

  #interpret<T>(answer: HttpAnswer, interpret: (body: unknown) => Result<T, DmsError>): Result<T, DmsError> {
    if (answer.status < 200 || answer.status >= 300) return this.#fail(classifyHttpError(answer));
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return this.#fail({
        code: 'malformed_response',
        requestId: undefined,
        rawMessage: 'the answer is not JSON',
      });
    }
    const result = interpret(body);
    return result.ok ? result : err({ ...result.error, message: this.#redact(result.error.message) });
  }

  async #credentialModel(): Promise<Result<CredentialModel, DmsError>> {
    try {
      const model = toModel(await this.credential.getCredential());
      for (const value of [model.accessKeyId, model.accessKeySecret, model.securityToken ?? '']) {
        if (value.length < 4) continue;
        this.#knownSecrets.delete(value);
        this.#knownSecrets.add(value);
      }
      for (const oldest of this.#knownSecrets) {
        if (this.#knownSecrets.size <= MAX_KNOWN_SECRETS) break;
        this.#knownSecrets.delete(oldest);
      }
      return ok(model);
    } catch (error) {
      return this.#fail(classifyCredentialError(error));
    }
  }

  #fail(raw: RawError): Result<never, DmsError> {
    const { rawMessage, ...error } = raw;
    return err({ ...error, message: this.#redact(rawMessage) });
  }

  #redact(message: string): string {
    return redactMessage(message, [...this.#knownSecrets]);
  }
}

/** Our credential model from whatever the source returned (the default chain's is loosely typed). */
function toModel(raw: unknown): CredentialModel {
  const m = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value !== '' ? value : undefined;
  const accessKeyId = text(m.accessKeyId);
  const accessKeySecret = text(m.accessKeySecret);
  if (accessKeyId === undefined || accessKeySecret === undefined) {
    throw Object.assign(new Error('the credential source gave no access key'), {
      code: 'InvalidCredentials',
    });
  }
  const securityToken = text(m.securityToken);
  return {
    type: securityToken === undefined ? 'access_key' : 'sts',
    providerName: text(m.providerName) ?? (securityToken === undefined ? 'static_ak' : 'static_sts'),
    accessKeyId,
    accessKeySecret,
    securityToken,
  };
}
