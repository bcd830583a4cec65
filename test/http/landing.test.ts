import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/clock.js';
import { scenarioFromYaml, scenarioYaml, startStack, type Stack } from '../support/stack.js';

// What the landing page says about time: it never asks DMS, so it says which scrape it shows and,
// from the last two scrapes of /metrics, when the next one is due.

const CONFIG = `profiles:
  default: { endpoint: '\${SIM}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '\${AK_SECRET}' }
orders:
  - { id: 1, name: first }
  - { id: 2, name: second }
`;

const INTRO = 'Each order as the last scrape of /metrics or /probe saw it: this page never asks DMS.';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('the landing page over time', () => {
  it('says which scrape it shows, when the next is due, and why an order has no answer yet', async () => {
    const clock = new ManualClock();
    const orders = ['  - { id: 1, list: 1h }', '  - { id: 2, list: 1h }'];
    const s = (stack = await startStack({
      scenario: scenarioFromYaml(scenarioYaml(orders)),
      configText: CONFIG,
      clock,
    }));
    const page = async (): Promise<string> => (await fetch(`${s.url}/`)).text();
    const summary = (text: string): string | undefined => /<p class="scrapes">(.*?)<\/p>/.exec(text)?.[1];

    const before = await page();
    expect(summary(before)).toBe(`${INTRO} No scrape yet: orders fill in at the first one.`);
    expect(before.match(/data-status="waiting for the first scrape"/g)).toHaveLength(2);

    expect((await fetch(`${s.url}/probe?target=1`)).status).toBe(200);
    const probed = await page();
    expect(summary(probed)).toBe(`${INTRO} Last scrape: /probe, 0s ago.`);
    expect(probed).toContain('data-status="LISTING"');
    expect(probed).toContain('data-status="not in a scrape yet"');

    await s.scrape();
    clock.advance(15_000);
    await s.scrape();
    const calls = s.simulator.callCount();
    clock.advance(5_000);
    expect(summary(await page())).toBe(
      `${INTRO} Last scrape: /metrics, 5s ago. /metrics is scraped every 15s or so: the next is due in 10s.`,
    );
    clock.advance(20_000);
    const late = await page();
    expect(summary(late)).toBe(
      `${INTRO} Last scrape: /metrics, 25s ago. /metrics is scraped every 15s or so: the next was due 10s ago.`,
    );
    expect(late).toContain('answered 25s ago');
    expect(late).not.toContain('data-status="not in a scrape yet"');
    expect(s.simulator.callCount()).toBe(calls); // the page itself asked DMS nothing
  });
});
