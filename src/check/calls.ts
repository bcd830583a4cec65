import { ok, zonedTime, type Result } from 'yaml-files/basics';
import type { Env } from '../config/env.js';
import type { Config, DiscoverySettings, Profile } from '../config/schema.js';
import type { Exchange } from '../dms/alibaba-client.js';
import { callBefore, type CallRecorder } from '../dms/gated-call.js';
import { createSemaphore, createTokenBucket, type Semaphore } from '../dms/gates.js';
import { proxyRoute } from '../dms/proxy.js';
import {
  ACTION_GET_JOB_DEGREE,
  ACTION_GET_ORDER_DETAIL,
  ACTION_LIST_ORDERS,
  type CallOptions,
  type DmsClient,
  type DmsError,
  type JobDegree,
  type ListOrdersQuery,
  type OrderPage,
  type TrackDetail,
} from '../dms/types.js';
import { ticketPageQuery } from '../discovery/paging.js';
import type { Clock } from '../util/clock.js';
import { blameOf } from './diagnose.js';

// The I/O half of --dms.check: the few calls each profile needs, made as the exporter makes them
// (the client factory, the profile's rate limit, the process-wide concurrency bound, one retry of a
// retryable failure), and what came back. Only read actions: at most three calls per profile, one
// after the other, each retried at most once and bounded by scrape.timeout; a failure that every
// later call would share (endpoint, credentials, clock) ends the profile's calls. Profiles are
// checked at the same time; their facts keep the configuration's order.

/** How a profile's client is made: the exporter's factory, told about every exchange. */
export type CheckClientFactory = (profile: Profile, onExchange: (exchange: Exchange) => void) => DmsClient;

export interface CheckDeps {
  readonly makeClient: CheckClientFactory;
  /** Where HTTPS_PROXY and NO_PROXY are read (as the clients read them), for the report's header. */
  readonly env: Env;
  readonly clock: Clock;
  /** 0..1 for the retry pause; Math.random unless a test fixes it. */
  readonly random?: () => number;
}

/** One call of the check: its answer, every try on the wire, and our clock when it ended. */
export interface CallFacts<T> {
  readonly result: Result<T, DmsError>;
  readonly exchanges: readonly Exchange[];
  readonly endedAtMs: number;
}

/** Everything the check learned about one profile; findings.ts judges it. */
export interface ProfileFacts {
  readonly profile: Profile;
  readonly timeoutMs: number;
  /** The proxy the calls go through (without credentials) and who set it; an error when unusable. */
  readonly proxy: Result<{ readonly url: string; readonly source: string } | undefined, string>;
  /** GetDataTrackJobDegree for the profile's first configured order; undefined: it has none. */
  readonly jobDegree: OrderCall<JobDegree> | undefined;
  /** ListOrders' first page, as discovery asks it; undefined: discovery is off. */
  readonly listing: ListingCall | undefined;
  /** GetDataTrackOrderDetail for the first ticket listed; undefined: not asked (see `detailSkipped`). */
  readonly detail: OrderCall<TrackDetail> | undefined;
  /** Why the detail was not asked although discovery is on; undefined when asked or not needed. */
  readonly detailSkipped: 'no_ticket' | 'details_off' | undefined;
  /** The calls the configuration needs that were not made, because an earlier one failed for every call. */
  readonly notTried: readonly string[];
}

export interface OrderCall<T> {
  readonly orderId: number;
  readonly tid: number | undefined;
  readonly call: CallFacts<T>;
}

export interface ListingCall {
  readonly discovery: DiscoverySettings;
  readonly call: CallFacts<OrderPage>;
}

/** One page of one ticket is enough: TotalCount says how many match, the ticket is the one to ask about. */
const CHECK_PAGE_SIZE = 1;

const NO_RECORDER: CallRecorder = {
  requestFinished: () => undefined,
  retried: () => undefined,
  rateLimitWaited: () => undefined,
};

/** Checks every profile at once; the facts come back in the configuration's order. */
export function checkProfiles(config: Config, deps: CheckDeps): Promise<ProfileFacts[]> {
  const slots = createSemaphore(config.scrape.concurrency);
  return Promise.all(
    [...config.profiles.values()].map((profile) => checkProfile(profile, config, deps, slots)),
  );
}

async function checkProfile(
  profile: Profile,
  config: Config,
  deps: CheckDeps,
  slots: Semaphore,
): Promise<ProfileFacts> {
  const caller = new ProfileCaller(profile, config.scrape.timeoutMs, deps, slots);
  const order = config.orders.find((o) => o.profile === profile.name);
  const discovery = profile.discovery;
  const facts: Mutable<ProfileFacts> = {
    profile,
    timeoutMs: config.scrape.timeoutMs,
    proxy: describedProxy(profile, deps.env),
    jobDegree: undefined,
    listing: undefined,
    detail: undefined,
    detailSkipped: undefined,
    notTried: [
      ...(order ? [ACTION_GET_JOB_DEGREE] : []),
      ...(discovery ? [ACTION_LIST_ORDERS, ACTION_GET_ORDER_DETAIL] : []),
    ],
  };
  const made = (action: string): void => {
    facts.notTried = facts.notTried.filter((a) => a !== action);
  };
  if (order !== undefined) {
    const request = { orderId: order.id, tid: order.tid };
    const call = await caller.call(ACTION_GET_JOB_DEGREE, (c, o) => c.getJobDegree(request, o));
    made(ACTION_GET_JOB_DEGREE);
    facts.jobDegree = { ...request, call };
    if (caller.blocked(call)) return facts;
  }
  if (discovery === undefined) return facts;
  const query = listQuery(discovery, profile.tid, deps.clock.now());
  const listing = await caller.call(ACTION_LIST_ORDERS, (c, o) => c.listOrders(query, o));
  made(ACTION_LIST_ORDERS);
  facts.listing = { discovery, call: listing };
  // A failed ListOrders leaves no ticket to ask about: the detail stays not tried.
  if (!listing.result.ok) return facts;
  const ticket = listing.result.value.orders[0];
  if (discovery.detailsPerRun === 0 || ticket === undefined) {
    made(ACTION_GET_ORDER_DETAIL);
    facts.detailSkipped = ticket === undefined ? 'no_ticket' : 'details_off';
    return facts;
  }
  const request = { orderId: ticket.orderId, tid: profile.tid };
  const call = await caller.call(ACTION_GET_ORDER_DETAIL, (c, o) => c.getOrderDetail(request, o));
  made(ACTION_GET_ORDER_DETAIL);
  facts.detail = { ...request, call };
  return facts;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One profile's client and gates; calls are made one after the other. */
class ProfileCaller {
  readonly #exchanges: Exchange[] = [];
  readonly #client: DmsClient;
  readonly #gates;

  constructor(
    private readonly profile: Profile,
    private readonly timeoutMs: number,
    private readonly deps: CheckDeps,
    slots: Semaphore,
  ) {
    this.#client = deps.makeClient(profile, (exchange) => this.#exchanges.push(exchange));
    const bucket = profile.rateLimit && createTokenBucket(profile.rateLimit, deps.clock);
    this.#gates = { bucket, slots };
  }

  async call<T>(
    action: string,
    send: (client: DmsClient, options: CallOptions) => Promise<Result<T, DmsError>>,
  ): Promise<CallFacts<T>> {
    const { clock } = this.deps;
    const from = this.#exchanges.length;
    const { answer } = callBefore(
      clock.now() + this.timeoutMs,
      { name: action, send: (options) => send(this.#client, options) },
      {
        gates: this.#gates,
        recorder: NO_RECORDER,
        clock,
        random: this.deps.random ?? Math.random,
        profile: this.profile.name,
        timeoutMs: this.timeoutMs,
        keepAnswer: false,
      },
    );
    const result = await answer;
    return { result, exchanges: this.#exchanges.slice(from), endedAtMs: clock.now() };
  }

  /** True when the call failed in a way every later call would fail too: nothing more is asked. */
  blocked(call: CallFacts<unknown>): boolean {
    return !call.result.ok && blameOf(call.result.error) !== 'action';
  }
}

/** The query discovery sends for its first page, with a page of one ticket. */
function listQuery(discovery: DiscoverySettings, tid: number | undefined, nowMs: number): ListOrdersQuery {
  const page = { number: 1, size: CHECK_PAGE_SIZE };
  return ticketPageQuery(discovery, tid, zonedTime(discovery.timezone), nowMs, page);
}

function describedProxy(profile: Profile, env: Env): ProfileFacts['proxy'] {
  const route = proxyRoute(profile.protocol, profile.endpoint, profile.proxy, env);
  if (!route.ok) return route;
  if (route.value === undefined) return ok(undefined);
  const { url, source } = route.value;
  return ok({ url: `${url.protocol}//${url.host}`, source });
}
