import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it } from 'vitest';
import { median } from '../../bench/stats.js';
import { createPasswordPool, type PasswordPool } from '../../src/web/password-pool.js';

// The pool's worker threads run bcryptjs, which stays the reference: the same pairs must get the
// same answers from both.

const PAIRS = [
  ['$2y$04$mEAp0wdZP/4CbJb4pkp/yOl0/Uq2bK7rafbLruX3cJPc9j6Uqu4oa', 'alice-password'],
  ['$2b$04$lXZHu8F4e65btu.ZTlP1..o3NEEI/2oKBM9.0clOwttnoa7xBK0tK', 'bob-password'],
  ['$2a$04$PJDOJgQCEaorl2RWGkc6puK8YZMzgpq1S8NNvV8ZBzdvm2wpyCIwK', 'carol-password'],
] as const;
/** Cost 8: some tens of milliseconds, well above a message's way to the worker and back. */
const MEDIUM_PASSWORD = 'medium-password';
const MEDIUM = bcrypt.hashSync(MEDIUM_PASSWORD, 8);
/** Cost 12: a check takes a good fraction of a second. */
const SLOW = '$2b$12$WndUs2oz8IBKVGpmUt0lyOeVeDuzYVPFr81WXm4khpDAZ.JuTZ77W';
/** Cost 11: about 0.2 s here, so bcryptjs on the event loop would take one or more 100 ms slices. */
const SLICES = '$2b$11$nGL8TuE5eOPFSmMQjxGtbOWsYL8hn/WXspZDSZUoY4MSFOTDyD8bm';

let pool: PasswordPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('createPasswordPool', () => {
  it('answers as bcryptjs does, for $2y$, $2b$ and $2a$ hashes, right and wrong passwords', async () => {
    const checking = (pool = createPasswordPool({ workers: 2 }));
    const asked = PAIRS.flatMap(([hash, password]) => [
      [hash, password],
      [hash, `${password}!`],
      [hash, ''],
    ]);
    const answers = await Promise.all(
      asked.map(([hash = '', password = '']) => checking.compare(password, hash)),
    );
    const reference = asked.map(([hash = '', password = '']) => bcrypt.compareSync(password, hash));
    expect(answers.map((answer) => answer.kind === 'compared' && answer.matches)).toEqual(reference);
    expect(reference.filter(Boolean)).toHaveLength(3);
    for (const answer of answers) expect(answer.kind === 'compared' && answer.ms).toBeGreaterThan(0);
  });

  it('refuses at once, as busy, what finds every worker busy and the waiting line full', async () => {
    const checking = (pool = createPasswordPool({ workers: 1, maxWaiting: 2 }));
    const settled: string[] = [];
    // All five are asked in one turn of the event loop, before any answer can come back: a hash of
    // tens of milliseconds is as telling as a slower one, for less CPU.
    const asked = [1, 2, 3, 4, 5].map((n) =>
      checking.compare(`guess-${n}`, MEDIUM).then((answer) => (settled.push(`${n} ${answer.kind}`), answer)),
    );
    await Promise.all(asked);
    // One ran, two waited, two were refused before any comparison was done.
    expect(settled).toEqual(['4 busy', '5 busy', '1 compared', '2 compared', '3 compared']);
  });

  it('lets four comparisons wait per worker by default, with one worker by default', async () => {
    const checking = (pool = createPasswordPool());
    const [hash] = PAIRS[0];
    const settled: string[] = [];
    // Asked in one turn of the event loop, as above; cost 4 keeps the five comparisons cheap.
    const asked = [1, 2, 3, 4, 5, 6, 7].map((n) =>
      checking.compare(`guess-${n}`, hash).then((answer) => (settled.push(`${n} ${answer.kind}`), answer)),
    );
    await Promise.all(asked);
    // One ran, four waited, the rest were refused before any comparison was done.
    expect(settled).toEqual([
      '6 busy',
      '7 busy',
      '1 compared',
      '2 compared',
      '3 compared',
      '4 compared',
      '5 compared',
    ]);
  });

  it('holds a failure, and the comparisons behind it, until failureScale times its own time has passed', async () => {
    const holding = (pool = createPasswordPool({ workers: 1, rest: 0 }));
    await holding.compare(MEDIUM_PASSWORD, MEDIUM); // the worker is started
    const started = performance.now();
    const settledAt: number[] = [];
    const asked = [
      holding.compare('wrong', MEDIUM, 8),
      holding.compare(MEDIUM_PASSWORD, MEDIUM, 8), // a match is not held
    ].map((comparing) => comparing.then((answer) => (settledAt.push(performance.now() - started), answer)));
    const [failure, success] = await Promise.all(asked);
    if (failure?.kind !== 'compared' || success?.kind !== 'compared') throw new Error('not compared');
    expect([failure.matches, success.matches]).toEqual([false, true]);
    // Timers may fire up to a millisecond early.
    expect(settledAt[0]).toBeGreaterThanOrEqual(8 * failure.ms - 1);
    expect(settledAt[1]).toBeGreaterThanOrEqual(8 * failure.ms + success.ms - 1);
  });

  it('rests after a comparison as long as it was busy, while others wait, and only then', async () => {
    const resting = (pool = createPasswordPool({ workers: 1 }));
    // One at a time: nobody waits, no rest.
    const alone = await resting.compare('wrong', MEDIUM, 8);
    const aloneAt = performance.now();
    const next = await resting.compare('wrong', MEDIUM, 8);
    const nextMs = performance.now() - aloneAt;
    // Two at once: the second waits, so the worker rests before it.
    const settledAt: number[] = [];
    const both = await Promise.all(
      [1, 2].map(() =>
        resting.compare('wrong', MEDIUM, 8).then((answer) => (settledAt.push(performance.now()), answer)),
      ),
    );
    const [first, second] = both;
    if (alone.kind !== 'compared' || next.kind !== 'compared') throw new Error('not compared');
    if (first?.kind !== 'compared' || second?.kind !== 'compared') throw new Error('not compared');
    expect(nextMs).toBeLessThan(8 * (alone.ms + next.ms));
    // Each was held 8 times its time; the rest after the first is as long.
    expect((settledAt[1] ?? 0) - (settledAt[0] ?? 0)).toBeGreaterThanOrEqual(8 * (first.ms + second.ms) - 2);
  });

  it('leaves the event loop free while it compares', async () => {
    pool = createPasswordPool({ workers: 1 });
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 1);
    const answer = await pool.compare('wrong', SLICES);
    clearInterval(timer);
    expect(answer.kind).toBe('compared');
    // bcryptjs on the event loop would let a timer run only between its 100 ms slices.
    const gaps = ticks.slice(1).map((tick, i) => tick - (ticks[i] ?? tick));
    expect(median(gaps)).toBeLessThan(30);
  });

  it('fails the comparisons still waiting when it is closed', async () => {
    const closing = createPasswordPool({ workers: 1, maxWaiting: 1 });
    const running = closing.compare('guess', SLOW);
    const waiting = closing.compare('guess', SLOW);
    await closing.close();
    expect(await waiting).toEqual({ kind: 'failed', reason: 'the bcrypt workers are stopped' });
    expect((await running).kind).toBe('failed');
    expect(await closing.compare('guess', SLOW)).toEqual({
      kind: 'failed',
      reason: 'the bcrypt workers are stopped',
    });
  });
});
