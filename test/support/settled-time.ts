import type { ScrapeTarget } from '../../src/collector/collector.js';
import type { ManualClock } from './clock.js';

// Simulated time for an in-process exporter talking real HTTP: the clock moves only once every DMS
// call started at the current instant has finished, so what a step sets off is complete before the
// next step, whatever the machine's load. Real time bounds only the waiting, as a failure.

const REAL_LIMIT_MS = 20_000;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface SettledTime {
  /** Resolves once no DMS call holds or waits for a concurrency slot, for a few event-loop turns. */
  quiet(): Promise<void>;
  /** Moves the clock `totalMs` forward in steps of `stepMs`, quiet after each. */
  advance(totalMs: number, stepMs: number): Promise<void>;
  /**
   * Resolves once `count` scrapes are collecting. Each scrape holds one deadline timer (one per
   * scrape, not per order, by design), and the profile's rate limit one more while calls wait for it.
   */
  scrapesStarted(count: number, profile?: string): Promise<void>;
}

export function settledTime(clock: ManualClock, target: () => ScrapeTarget): SettledTime {
  const until = async (what: string, done: () => boolean): Promise<void> => {
    const giveUp = Date.now() + REAL_LIMIT_MS;
    while (!done()) {
      if (Date.now() > giveUp) throw new Error(`still waiting for ${what} after ${REAL_LIMIT_MS} ms`);
      await turn();
    }
  };

  const quiet = async (): Promise<void> => {
    for (let calm = 0; calm < 3;) {
      await until('the DMS calls of this instant', () => {
        const { active, queued } = target().slots;
        return active === 0 && queued === 0;
      });
      await turn();
      const { active, queued } = target().slots;
      calm = active === 0 && queued === 0 ? calm + 1 : 0;
    }
  };

  return {
    quiet,
    async advance(totalMs, stepMs) {
      for (let done = 0; done < totalMs; done += stepMs) {
        clock.advance(Math.min(stepMs, totalMs - done));
        await quiet();
      }
    },
    async scrapesStarted(count, profile = 'default') {
      await until(`${count} scrapes to start`, () => {
        const waiting = target().bucketFor(profile)?.waiting ?? 0;
        return clock.pending >= count + (waiting > 0 ? 1 : 0);
      });
      await quiet();
    },
  };
}
