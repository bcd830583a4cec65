import { describe, expect, it } from 'vitest';
import { GAVE_UP, createLimiter } from '../../src/collector/limiter.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createLimiter', () => {
  it('never runs more than max tasks at once and runs the rest in order', async () => {
    const limiter = createLimiter(2);
    const signal = new AbortController().signal;
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }, signal),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([limiter.active, limiter.queued]).toEqual([2, 1]);
    gates[0]?.resolve();
    await runs[0];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[1]?.resolve();
    gates[2]?.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
  });

  it('gives up on a queued task when its signal aborts, without running it', async () => {
    const limiter = createLimiter(1);
    const gate = deferred();
    const first = limiter.run(() => gate.promise, new AbortController().signal);
    const controller = new AbortController();
    let ran = false;
    const second = limiter.run(async () => {
      ran = true;
      return Promise.resolve();
    }, controller.signal);
    controller.abort();
    expect(await second).toBe(GAVE_UP);
    gate.resolve();
    await first;
    expect(ran).toBe(false);
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
  });
});
