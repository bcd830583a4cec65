import type { Logger } from 'pino';
import { err, zonedTime, type Result, type ZonedTime } from 'yaml-files/basics';
import { consoleUrlOf } from '../config/console-url.js';
import type { DiscoverySettings } from '../config/schema.js';
import type { Gates } from '../dms/gates.js';
import { callBefore, type CallRecorder } from '../dms/gated-call.js';
import {
  ACTION_GET_ORDER_DETAIL,
  ACTION_LIST_ORDERS,
  DEADLINE_ERROR,
  type CallOptions,
  type DmsClient,
  type DmsError,
} from '../dms/types.js';
import { ticketStatus, type TicketDetail, type TrackedOrder } from '../orders.js';
import type { Clock } from '../util/clock.js';
import { approvalTime } from './approval.js';
import { listAllTickets, ticketPageQuery } from './paging.js';
import { selectTickets, type ListedTicket } from './select.js';

/** How a profile's DMS calls are made now: its client, rate limit and the process-wide slots. */
export interface ProfileAccess extends Gates {
  readonly client: DmsClient;
}

export interface DiscoveryRecorder {
  discoveryFinished(
    profile: string,
    seconds: number,
    outcome:
      | { ok: true; orders: number; leftOut: number; withoutDetail: number; atMs: number }
      | { ok: false; code: string },
  ): void;
  /** The profile's discovery was turned off or removed: its series go. */
  discoveryStopped(profile: string): void;
}

export interface DiscovererDeps {
  readonly profile: string;
  readonly tid: number | undefined;
  /** The profile's console_url template, if any. */
  readonly consoleUrl: string | undefined;
  readonly settings: DiscoverySettings;
  readonly access: () => ProfileAccess;
  readonly clock: Clock;
  readonly api: CallRecorder;
  readonly recorder: DiscoveryRecorder;
  readonly logger: Logger;
  /** Told whenever the list of discovered orders changes. */
  readonly onChange: () => void;
  /** 0..1 for the retry pause; Math.random unless a test fixes it. */
  readonly random?: () => number;
}

/**
 * One profile's discovery: ListOrders (every page) on its own timer, the tickets it keeps, and each
 * one's detail, asked once. A failed run keeps the last good list. Never throws.
 */
export class Discoverer {
  #orders: readonly TrackedOrder[] = [];
  readonly #details = new Map<number, TicketDetail>();
  /** Each kept ticket's approval time, once known (it can only be read while the ticket runs). */
  readonly #approvals = new Map<number, number>();
  #lastErrorCode: string | undefined;
  #truncated = false;
  #cancelTimer: (() => void) | undefined;
  #stopped = false;
  /** How the run's call in flight (if any) is given up when discovery stops. */
  readonly #waiting = new Set<() => void>();
  readonly #zone: ZonedTime;

  constructor(private readonly deps: DiscovererDeps) {
    this.#zone = zonedTime(deps.settings.timezone);
  }

  get orders(): readonly TrackedOrder[] {
    return this.#orders;
  }

  /** Runs now, then every interval, until stopped. */
  start(): void {
    const loop = (): void => {
      if (this.#stopped) return;
      void this.runOnce()
        // runOnce does not throw; should a bug of ours make it, say so and try again next interval.
        .catch((error: unknown) =>
          this.deps.logger.error({ profile: this.deps.profile, err: error }, 'ticket discovery run failed'),
        )
        .then(() => {
          if (!this.#stopped) this.#cancelTimer = this.deps.clock.after(this.deps.settings.intervalMs, loop);
        });
    };
    loop();
  }

  /** Stops the timer, and gives up the call the run waits for: nobody will read its answer. */
  stop(): void {
    this.#stopped = true;
    this.#cancelTimer?.();
    for (const leave of this.#waiting) leave();
  }

  async runOnce(): Promise<void> {
    const { clock, settings, profile } = this.deps;
    const startedMs = clock.now();
    // A run never takes longer than its interval (and never more than two minutes).
    const deadlineMs = startedMs + Math.min(settings.intervalMs, 120_000);
    const listed = await listAllTickets((pageNumber) => this.#listPage(pageNumber, startedMs, deadlineMs));
    // Stopped meanwhile (turned off, changed or removed by a reload): its series are gone, and stay so.
    if (this.#stopped) return;
    const seconds = (clock.now() - startedMs) / 1000;
    if (!listed.ok) return this.#failed(listed.error, seconds);
    const selection = selectTickets(
      listed.value.map((s) => this.#read(s, startedMs)),
      settings,
      startedMs,
    );
    await this.#askDetails(selection.kept, deadlineMs);
    if (this.#stopped) return;
    this.#orders = selection.kept.map((t) => this.#toOrder(t));
    this.#keepApprovalsOf(this.#orders);
    this.#reportTruncation(selection.leftOut);
    if (this.#lastErrorCode !== undefined) this.deps.logger.info({ profile }, 'ticket discovery works again');
    this.#lastErrorCode = undefined;
    this.deps.recorder.discoveryFinished(profile, seconds, {
      ok: true,
      orders: this.#orders.length,
      leftOut: selection.leftOut,
      withoutDetail: this.#orders.filter((order) => order.ticket?.detail === undefined).length,
      atMs: clock.now(),
    });
    this.deps.onChange();
  }

  #listPage(pageNumber: number, nowMs: number, deadlineMs: number) {
    const { settings, tid } = this.deps;
    const page = { number: pageNumber, size: settings.pageSize };
    const query = ticketPageQuery(settings, tid, this.#zone, nowMs, page);
    return this.#call(ACTION_LIST_ORDERS, deadlineMs, (client, options) => client.listOrders(query, options));
  }

  /** One DMS call of the run, by the rule of dms/gated-call.ts: given up at the run's deadline or stop. */
  async #call<T>(
    action: string,
    deadlineMs: number,
    send: (client: DmsClient, options: CallOptions) => Promise<Result<T, DmsError>>,
  ): Promise<Result<T, DmsError>> {
    // A stopped discoverer's profile may be gone from the configuration (access() would throw), and
    // its run's answers are not wanted: it asks nothing more.
    if (this.#stopped) return err(DEADLINE_ERROR);
    const { clock, api, profile } = this.deps;
    const access = this.deps.access();
    const wait = callBefore(
      deadlineMs,
      { name: action, send: (options) => send(access.client, options) },
      {
        gates: access,
        recorder: api,
        clock,
        random: this.deps.random ?? Math.random,
        profile,
        timeoutMs: Math.max(1, deadlineMs - clock.now()),
        keepAnswer: false,
      },
    );
    this.#waiting.add(wait.leave);
    try {
      return await wait.answer;
    } finally {
      this.#waiting.delete(wait.leave);
    }
  }

  #read(summary: ListedTicket['summary'], nowMs: number): ListedTicket {
    // An unreadable time counts as now: the ticket is kept rather than silently lost.
    const createdMs = this.#zone.parse(summary.createTime) ?? nowMs;
    return { summary, createdMs, lastModifiedMs: this.#zone.parse(summary.lastModifyTime) ?? createdMs };
  }

  /**
   * GetDataTrackOrderDetail once per kept ticket, at most `details_per_run` per run (so a first run
   * over thousands of tickets spreads over several); a failure is asked again on the next run.
   */
  async #askDetails(kept: readonly ListedTicket[], deadlineMs: number): Promise<void> {
    const keep = new Set(kept.map((t) => t.summary.orderId));
    for (const id of this.#details.keys()) if (!keep.has(id)) this.#details.delete(id);
    const missing = kept
      .filter((t) => !this.#details.has(t.summary.orderId))
      .slice(0, this.deps.settings.detailsPerRun);
    for (const { summary } of missing) {
      const request = { orderId: summary.orderId, tid: this.deps.tid };
      const detail = await this.#call(ACTION_GET_ORDER_DETAIL, deadlineMs, (client, options) =>
        client.getOrderDetail(request, options),
      );
      if (this.#stopped) return;
      if (!detail.ok) continue;
      const { database, tables, jobStartTime, jobEndTime } = detail.value;
      this.#details.set(summary.orderId, {
        database,
        tables,
        rangeStartMs: this.#zone.parse(jobStartTime),
        rangeEndMs: this.#zone.parse(jobEndTime),
      });
    }
  }

  #toOrder({ summary, lastModifiedMs }: ListedTicket): TrackedOrder {
    const id = summary.orderId;
    const status = ticketStatus(summary.statusCode);
    const approvedMs = approvalTime(
      this.#approvals.get(id),
      status,
      this.#zone.parse(summary.lastModifyTime),
    );
    if (approvedMs !== undefined) this.#approvals.set(id, approvedMs);
    return {
      id,
      name: '',
      profile: this.deps.profile,
      tid: this.deps.tid,
      consoleUrl: consoleUrlOf(this.deps.consoleUrl, id),
      source: 'discovery',
      ticket: {
        status,
        committer: summary.committer,
        comment: summary.comment,
        // Read again: the listed time falls back to now for sorting, which is no creation time.
        createdMs: this.#zone.parse(summary.createTime),
        lastModifiedMs,
        approvedMs,
        detail: this.#details.get(id),
      },
    };
  }

  #keepApprovalsOf(orders: readonly TrackedOrder[]): void {
    const kept = new Set(orders.map((o) => o.id));
    for (const id of this.#approvals.keys()) if (!kept.has(id)) this.#approvals.delete(id);
  }

  #failed(error: DmsError, seconds: number): void {
    const { profile, logger, recorder } = this.deps;
    if (this.#lastErrorCode !== error.code) {
      logger.warn(
        {
          profile,
          code: error.code,
          request_id: error.requestId,
          err_message: error.message,
          kept: this.#orders.length,
        },
        'ticket discovery failed; keeping the last list',
      );
    }
    this.#lastErrorCode = error.code;
    recorder.discoveryFinished(profile, seconds, { ok: false, code: error.code });
  }

  #reportTruncation(leftOut: number): void {
    const truncated = leftOut > 0;
    if (truncated && !this.#truncated) {
      const { profile, settings, logger } = this.deps;
      logger.warn(
        { profile, max_orders: settings.maxOrders, left_out: leftOut },
        'ticket discovery found more tickets than discovery.max_orders; following the newest',
      );
    }
    this.#truncated = truncated;
  }
}
