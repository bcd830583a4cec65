import { waitFor } from './services.js';
import { sampleValue, type Stack } from './stack.js';

/**
 * Waits (bounded) for discovery run `runs` of the default profile to be visible, then scrapes once
 * more: a scrape that was already asking DMS when the run ended shows the run's count but the orders
 * from before it. `beforeEachLook`, if given, runs before each scrape of the wait: a test whose run
 * waits on a manual clock (a retry's pause) moves the clock there.
 */
export async function afterDiscoveryRun(
  s: Stack,
  runs: number,
  beforeEachLook?: () => void,
): Promise<string> {
  await waitFor(
    `discovery run ${runs}`,
    async () => {
      beforeEachLook?.();
      const { text } = await s.scrape();
      const count = sampleValue(
        text,
        'aliyun_dms_datatrack_discovery_duration_seconds_count{profile="default"}',
      );
      return count === runs ? text : undefined;
    },
    10_000,
    20,
  );
  return (await s.scrape()).text;
}
