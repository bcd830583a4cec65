import { readFile } from 'node:fs/promises';
import { fixedClock } from './clock.js';
import { scenarioFromYaml, startStack, type Stack } from './stack.js';

const GOLDEN = 'test/fixtures/golden';
/** The golden metrics text of one scrape of the golden stack (its order families). */
export const GOLDEN_SCRAPE_PATH = `${GOLDEN}/scrape.prom`;
/** The exporter's clock in the golden stack: it stands still, so every printed time is the same. */
export const GOLDEN_NOW_MS = 1_800_000_000_000;

/**
 * The golden scenario (every job state, every failure kind) behind the golden config, 100 s into
 * the scenario, on a clock that stands still: what it serves is the same on every run.
 */
export async function startGoldenStack(): Promise<Stack> {
  return startStack({
    scenario: scenarioFromYaml(await readFile(`${GOLDEN}/scenario.yaml`, 'utf8')),
    configText: await readFile(`${GOLDEN}/config.yaml`, 'utf8'),
    elapsedMs: () => 100_000,
    clock: fixedClock(GOLDEN_NOW_MS),
  });
}
