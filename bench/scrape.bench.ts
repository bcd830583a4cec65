/**
 * npm run bench: what a scrape costs, measured side by side in one run against the simulator on
 * loopback. Figures are ratios between variants run in the same process, so they mean something
 * on any machine; absolute milliseconds are printed for context only.
 */
import { performance } from 'node:perf_hooks';
import { TEST_KEY, scenarioFromYaml, startStack, type Stack } from '../test/support/stack.js';

const ORDERS = 100;
const ROUNDS = 5;
/** A per-call delay in the simulator, standing in for the network and DMS's own latency. */
const CALL_DELAY = '20ms';

function scenario(delay: string | undefined, finished: boolean): string {
  const timing = finished
    ? 'list: 1s, pause: 0s, download: 1s, filter: 1s'
    : 'list: 1h, download: 1h, filter: 1h';
  const fault = delay === undefined ? '' : `, fault: { kind: slow, delay: ${delay} }`;
  const orders = Array.from({ length: ORDERS }, (_, i) => `  - { id: ${i + 1}, ${timing}${fault} }`);
  return `credentials:\n  - { access_key_id: ${TEST_KEY.accessKeyId}, access_key_secret: ${TEST_KEY.accessKeySecret} }\norders:\n${orders.join('\n')}\n`;
}

function config(concurrency: number, terminalRecheck: string): string {
  const orders = Array.from({ length: ORDERS }, (_, i) => `  - id: ${i + 1}`);
  return `profiles:
  default: { endpoint: '\${SIM}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '\${AK_SECRET}' }
scrape: { timeout: 60s, concurrency: ${concurrency}, terminal_recheck: ${terminalRecheck} }
orders:
${orders.join('\n')}
`;
}

async function withStack<T>(
  scenarioText: string,
  configText: string,
  run: (stack: Stack) => Promise<T>,
): Promise<T> {
  const stack = await startStack({
    scenario: scenarioFromYaml(scenarioText),
    configText,
    elapsedMs: () => 60_000,
  });
  try {
    await stack.scrape(); // warm up: connections, JIT
    stack.simulator.resetCounts();
    return await run(stack);
  } finally {
    await stack.close();
  }
}

/** Median wall time of `rounds` runs of `scrapeOnce`, in ms. */
async function medianMs(rounds: number, scrapeOnce: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await scrapeOnce();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

function line(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function main(): Promise<void> {
  line(`${ORDERS} orders, simulator delay ${CALL_DELAY} per call, median of ${ROUNDS} scrapes\n`);

  const serialMs = await withStack(scenario(CALL_DELAY, false), config(1, '10m'), (s) =>
    medianMs(ROUNDS, () => s.scrape()),
  );
  const parallelMs = await withStack(scenario(CALL_DELAY, false), config(8, '10m'), (s) =>
    medianMs(ROUNDS, () => s.scrape()),
  );
  line(`concurrency 1: ${serialMs.toFixed(0)} ms, concurrency 8: ${parallelMs.toFixed(0)} ms`);
  line(`  -> concurrency 8 scrapes ${(serialMs / parallelMs).toFixed(1)}x faster than 1`);

  const ha = await withStack(scenario(CALL_DELAY, false), config(8, '10m'), async (s) => {
    const single = await medianMs(ROUNDS, () => s.scrape());
    const singleCalls = s.simulator.callCount() / ROUNDS;
    s.simulator.resetCounts();
    const pair = await medianMs(ROUNDS, () => Promise.all([s.scrape(), s.scrape()]));
    return { single, pair, singleCalls, pairCalls: s.simulator.callCount() / ROUNDS };
  });
  line(
    `one scrape: ${ha.single.toFixed(0)} ms, ${ha.singleCalls} calls; two at once: ${ha.pair.toFixed(0)} ms, ${ha.pairCalls} calls`,
  );
  line(
    `  -> an HA pair costs ${(ha.pairCalls / ha.singleCalls).toFixed(2)}x the DMS calls and ${(ha.pair / ha.single).toFixed(2)}x the time of one scrape`,
  );

  const cache = await withStack(scenario(CALL_DELAY, true), config(8, '10m'), async (s) => {
    const cached = await medianMs(ROUNDS, () => s.scrape());
    return { cached, calls: s.simulator.callCount() };
  });
  const uncached = await withStack(scenario(CALL_DELAY, true), config(8, '0s'), (s) =>
    medianMs(ROUNDS, () => s.scrape()),
  );
  line(
    `finished jobs, terminal_recheck 0s: ${uncached.toFixed(1)} ms; 10m: ${cache.cached.toFixed(1)} ms (${cache.calls} calls)`,
  );
  line(
    `  -> serving final states from memory makes a scrape ${(uncached / cache.cached).toFixed(0)}x faster`,
  );

  const bare = await withStack(scenario(undefined, false), config(8, '10m'), (s) =>
    medianMs(ROUNDS * 4, () => s.scrape()),
  );
  line(
    `no simulated delay: ${bare.toFixed(1)} ms per scrape of ${ORDERS} orders (exporter + simulator + signing on loopback)`,
  );
}

await main();
