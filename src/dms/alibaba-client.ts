import type { Logger } from 'pino';
import { err, ok, type Result } from 'yaml-files/basics';
import type { Env } from '../config/env.js';
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
import { createDefaultChain } from './default-chain.js';
import { redactMessage } from './redact.js';
import { signRequest, type SigningContext } from './sign.js';
import { proxyRoute, type ProxyRoute } from './proxy.js';
import { createTransport, failingTransport, type HttpAnswer, type Transport } from './transport.js';
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
  /** Where a secret file that became unreadable, and the proxy in use, are reported. */
  readonly logger?: Logger;
  /** Connections to the endpoint at most: the calls in flight at once (default 8). */
  readonly connections?: number;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read (none unless given). */
  readonly env?: Env;
  /** How requests are sent; createTransport (undici) unless a benchmark sets another beside it. */
  readonly makeTransport?: typeof createTransport;
  /** Told how each call went on the way (--dms.check reports it); nobody is told unless given. */
  readonly onExchange?: (exchange: Exchange) => void;
}

/** What one call learned about the way to DMS, besides its answer. Never carries a secret. */
export interface Exchange {
  readonly action: string;
  /** Who gave the credentials: `static_ak`, `static_sts`, or the default chain's provider (`env`, `ecs_ram_role`, ...). */
  readonly credentialProvider: string | undefined;
  /** The AccessKey id the call was signed with (an id, not a secret: the RAM console lists it). */
  readonly accessKeyId: string | undefined;
  /** From sending the request to its answer or failure; undefined when nothing was sent. */
  readonly elapsedMs: number | undefined;
  /** The HTTP status; undefined when no answer came. */
  readonly status: number | undefined;
  /** The answer's `Date` header: the gateway's clock. */
  readonly serverDate: string | undefined;
}

/**
 * A DmsClient for one profile: sign.ts signs each request, transport.ts sends it with undici (through
 * the profile's proxy, if any), and every outcome becomes a typed value. Never throws.
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
      : createDefaultChain();
  const route = proxyRoute(profile.protocol, profile.endpoint, profile.proxy, options.env ?? {});
  const caller = new ActionCaller(
    { endpoint: profile.endpoint, algorithm: profile.signatureAlgorithm, userAgent: options.userAgent },
    transportFor(profile, route, options),
    credential,
    route.ok ? route.value?.password : undefined,
    options.onExchange,
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

const DEFAULT_CONNECTIONS = 8;

function transportFor(
  profile: Profile,
  route: Result<ProxyRoute | undefined, string>,
  options: AlibabaClientOptions,
): Transport {
  if (!route.ok) {
    options.logger?.error(
      { profile: profile.name, reason: route.error },
      'proxy unusable; every DMS call fails',
    );
    return failingTransport({ kind: 'proxy', problem: 'refused', message: route.error });
  }
  const proxy = route.value;
  if (proxy !== undefined)
    options.logger?.info(
      { profile: profile.name, proxy: `${proxy.url.protocol}//${proxy.url.host}`, source: proxy.source },
      'DMS calls go through a proxy',
    );
  const make = options.makeTransport ?? createTransport;
  return make(profile.protocol, profile.endpoint, {
    connections: options.connections ?? DEFAULT_CONNECTIONS,
    proxy: proxy?.url,
  });
}

function orderParams(request: JobDegreeRequest): Record<string, string> {
  const params: Record<string, string> = { OrderId: String(request.orderId) };
  if (request.tid !== undefined) params.Tid = String(request.tid);
  return params;
}

const NOTHING_SENT = {
  credentialProvider: undefined,
  accessKeyId: undefined,
  elapsedMs: undefined,
  status: undefined,
  serverDate: undefined,
} as const;

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
    /** The proxy's password: never in a message by design, scrubbed all the same. */
    private readonly proxyPassword: string | undefined,
    private readonly onExchange: ((exchange: Exchange) => void) | undefined,
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
    if (!model.ok) {
      this.onExchange?.({ ...NOTHING_SENT, action });
      return model;
    }
    const signed = signRequest(action, params, model.value, this.context);
    const startedMs = performance.now();
    const sent = await this.transport.send(signed, { signal, timeoutMs });
    this.onExchange?.({
      action,
      credentialProvider: model.value.providerName,
      accessKeyId: model.value.accessKeyId,
      elapsedMs: performance.now() - startedMs,
      status: sent.ok ? sent.value.status : undefined,
      serverDate: sent.ok ? sent.value.date : undefined,
    });
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
    const secrets = [...this.#knownSecrets];
    if (this.proxyPassword !== undefined) secrets.push(this.proxyPassword);
    return redactMessage(message, secrets);
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
