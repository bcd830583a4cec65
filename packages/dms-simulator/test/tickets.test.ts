import { describe, expect, it } from 'vitest';
import { RESULT_SCOPES, type ScenarioOrder, type ScenarioTicket } from '../src/scenario.js';
import { momentAt, ticketStateAt, type Moment } from '../src/tickets.js';
import { jobEndAt, jobProgressAt } from '../src/timeline.js';

// The ticket model without HTTP: statuses over time, the ticket clock, zoned times.

const S = 1000;
const JOB: ScenarioOrder = {
  id: 7,
  startMs: 10 * S,
  listMs: 20 * S,
  downloadMs: 40 * S,
  filterMs: 10 * S,
  pauseMs: 2 * S,
  outcome: 'success',
};
const TICKET: ScenarioTicket = {
  id: 7,
  pluginType: 'DATA_TRACK',
  created: { offsetMs: -60 * S },
  approved: { offsetMs: 5 * S },
  committer: 'alice',
  committerId: 1,
  comment: '',
  scopes: RESULT_SCOPES,
};
const at = (position: number): Moment => ({ position, cycleStartMs: 1_000_000 * S });
const statusAt = (ticket: ScenarioTicket, job: ScenarioOrder | undefined, seconds: number) =>
  ticketStateAt(ticket, job, at(seconds * S))?.status;

describe('ticketStateAt', () => {
  it.each([
    [0, 'toaudit', -60, false],
    [5, 'approved', 5, true],
    [9.999, 'approved', 5, true],
    [10, 'processing', 10, true],
    [83.999, 'processing', 10, true],
    [84, 'success', 84, true],
  ] as const)('a linked ticket at %ss is %s, changed at %ss', (seconds, status, changed, approved) => {
    expect(ticketStateAt(TICKET, JOB, at(seconds * S))).toEqual({
      status,
      changedAt: changed * S,
      createdAt: -60 * S,
      approved,
    });
  });

  it('turns success or fail exactly when the job reaches its final status', () => {
    const jobs: ScenarioOrder[] = [
      JOB,
      { ...JOB, outcome: 'download_fail', stopAt: { stage: 'download', ratio: 0.25 } },
      { ...JOB, outcome: 'filter_fail', stopAt: { stage: 'filter', ratio: 0 } },
      { ...JOB, listMs: 0, downloadMs: 0, filterMs: 0, pauseMs: 0 },
    ];
    for (const job of jobs) {
      const end = jobEndAt(job);
      if (end === undefined) throw new Error('the job should end');
      const final = end.failed ? 'fail' : 'success';
      expect(jobProgressAt(job, end.atMs).status).toMatch(/FAIL|FILTER_SUCCESS/);
      expect(ticketStateAt(TICKET, job, at(end.atMs))?.status).toBe(final);
      if (end.atMs > job.startMs) {
        expect(jobProgressAt(job, end.atMs - 1).status).not.toMatch(/FAIL|FILTER_SUCCESS/);
        expect(ticketStateAt(TICKET, job, at(end.atMs - 1))?.status).toBe('processing');
      }
    }
  });

  it('keeps a stalled job processing forever', () => {
    const stalled: ScenarioOrder = { ...JOB, outcome: 'stall', stopAt: { stage: 'list', ratio: 0.5 } };
    expect(jobEndAt(stalled)).toBeUndefined();
    expect(statusAt(TICKET, stalled, 1_000_000)).toBe('processing');
  });

  it('does not exist before its creation', () => {
    expect(ticketStateAt({ ...TICKET, created: { offsetMs: 30 * S } }, JOB, at(29_999))).toBeUndefined();
  });

  it('ends in its end status, which cuts the job short; without approval it stays toaudit until then', () => {
    const cancelled = { ...TICKET, end: { status: 'cancel', at: { offsetMs: 50 * S } } } as const;
    expect(statusAt(cancelled, JOB, 49)).toBe('processing');
    expect(statusAt(cancelled, JOB, 200)).toBe('cancel');
    const rejected = {
      ...TICKET,
      approved: undefined,
      end: { status: 'reject', at: { offsetMs: 0 } },
    } as const;
    expect(ticketStateAt(rejected, JOB, at(-1))).toEqual({
      status: 'toaudit',
      changedAt: -60 * S,
      createdAt: -60 * S,
      approved: false,
    });
    expect(ticketStateAt(rejected, JOB, at(0))).toMatchObject({ status: 'reject', approved: false });
  });

  it('is processing after approval when it has no job (other ticket types), approved for a DATA_TRACK one', () => {
    expect(statusAt({ ...TICKET, pluginType: 'DATA_CORRECT' }, undefined, 6)).toBe('processing');
    expect(statusAt(TICKET, undefined, 6)).toBe('approved');
  });

  it('places absolute times on the current cycle', () => {
    const cycleStartMs = Date.UTC(2026, 0, 5, 1);
    const ticket = { ...TICKET, created: { epochMs: cycleStartMs + 30 * S } };
    expect(ticketStateAt(ticket, JOB, { position: 29 * S, cycleStartMs })).toBeUndefined();
    expect(ticketStateAt(ticket, JOB, { position: 30 * S, cycleStartMs })?.createdAt).toBe(30 * S);
  });
});

describe('momentAt', () => {
  it('follows the wall clock without a start, and a fixed start with one', () => {
    expect(momentAt(70 * S, 1_000 * S, {})).toEqual({ position: 70 * S, cycleStartMs: 930 * S });
    expect(momentAt(70 * S, 1_000 * S, { startEpochMs: 5_000 * S })).toEqual({
      position: 70 * S,
      cycleStartMs: 5_000 * S,
    });
  });

  it('starts a new cycle every repeat_every', () => {
    expect(momentAt(130 * S, 0, { startEpochMs: 5_000 * S, repeatEveryMs: 60 * S })).toEqual({
      position: 10 * S,
      cycleStartMs: 5_120 * S,
    });
  });
});
