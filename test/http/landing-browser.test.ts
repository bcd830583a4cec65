import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium, type Chromium, type ChromiumPage } from '../support/chromium.js';
import { startGoldenStack } from '../support/golden.js';
import { waitFor } from '../support/services.js';
import { TEST_KEY, scenarioFromYaml, startStack, type Stack } from '../support/stack.js';

/** Where a row's status and progress cells are, in CSS pixels, and the page's own width. */
interface Layout {
  readonly viewportWidth: number;
  readonly pageWidth: number;
  readonly rows: ReadonlyArray<{
    id: string;
    boxes: ReadonlyArray<{ what: string; left: number; right: number }>;
  }>;
}

/** The columns that must be in view: the job's status and its three stages' progress. */
const IN_VIEW = ['Status', 'List', 'Download', 'Filter'];

/**
 * Evaluated in the page once it has loaded: the bounding box of each row's cell in each IN_VIEW
 * column (found by its heading), the viewport's width and the page's own.
 */
const MEASURE = `(() => {
  const headings = [...document.querySelectorAll('thead th')].map((th) => th.textContent);
  const rows = [...document.querySelectorAll('tr[data-order-id]')].map((tr) => ({
    id: tr.dataset.orderId,
    boxes: ${JSON.stringify(IN_VIEW)}.map((what) => {
      const cell = tr.cells[headings.indexOf(what)];
      const r = cell ? cell.getBoundingClientRect() : { left: -1, right: -1 };
      return { what, left: r.left, right: r.right };
    }),
  }));
  return { viewportWidth: innerWidth, pageWidth: document.documentElement.scrollWidth, rows };
})()`;

function expectStatusAndProgressVisible(layout: Layout, width: number, orders: number): void {
  expect(layout.viewportWidth).toBe(width);
  expect(layout.rows).toHaveLength(orders);
  for (const row of layout.rows) {
    for (const { what, left, right } of row.boxes) {
      expect(left, `order ${row.id}: ${what}`).toBeGreaterThanOrEqual(0);
      expect(right, `order ${row.id}: ${what}`).toBeLessThanOrEqual(width);
    }
  }
  // Nothing sticks out: no sideways scrolling at all.
  expect(layout.pageWidth).toBeLessThanOrEqual(width);
}

const LONG = (word: string, length: number): string =>
  word.repeat(Math.ceil(length / word.length)).slice(0, length);

/**
 * Orders with the longest names, profile names, comments and error codes the exporter takes (an
 * error code is at most 64 characters; longer text from DMS is code `other`).
 */
const STRESS_SCENARIO = `credentials:
  - { access_key_id: ${TEST_KEY.accessKeyId}, access_key_secret: ${TEST_KEY.accessKeySecret} }
orders:
  - { id: 9007199254740991, list: 1h }
  - { id: 2, list: 10s, download: 10s, filter: 10s, fault: { kind: business_error, code: ${LONG('InvalidParameter.', 64)} } }
  - { id: 3, list: 1h }
tickets:
  - id: 3
    created: -1h
    approved: -50m
    committer: ${LONG('committer-', 200)}
    comment: ${LONG('a-very-long-comment-without-spaces-', 256)}
    detail: { database: '${LONG('db', 230)}@10.0.0.12:3306', tables: [orders], job_start: '2026-01-01 00:00:00', job_end: '2026-01-02 00:00:00' }
`;

const profile = (name: string): string =>
  `  ${name}: { endpoint: '\${SIM}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '\${AK_SECRET}' }`;
const WIDE_PROFILE = LONG('profile-', 64);
const STRESS_CONFIG = `profiles:
${profile('default')}
${profile(WIDE_PROFILE)}
${profile('finder').replace(' }', ', discovery: { enabled: true } }')}
scrape: { min_interval: 0s }
orders:
  - { id: 9007199254740991, name: ${LONG('name-', 1024)}, profile: ${WIDE_PROFILE} }
  - { id: 2, name: ${LONG('名前', 1024)} }
`;

// One browser for the file: a launch costs about 2.5 s of CPU, a page in it a fraction of that.
// Started by the first test that needs it rather than in a hook, so that a browser that cannot
// start fails each test (a failed hook would only skip them).
let launched: Promise<Chromium> | undefined;
const browser = (): Promise<Chromium> => (launched ??= launchChromium());
afterAll(async () => {
  await (await launched?.catch(() => undefined))?.close();
});

const WINDOW = { width: 1280, height: 720 };

describe('landing page in headless Chromium', () => {
  // One page for the DOM, the screenshot and the layout: the window's height plays no part in
  // whether anything sticks out sideways.
  describe('of the golden stack, scraped once', () => {
    let opened: Promise<{ golden: Stack; page: ChromiumPage }> | undefined;
    const goldenPage = async (): Promise<ChromiumPage> =>
      (
        await (opened ??= (async () => {
          const golden = await startGoldenStack();
          try {
            await golden.scrape();
            return { golden, page: await (await browser()).open(`${golden.url}/`, WINDOW) };
          } catch (error) {
            await golden.close();
            throw error;
          }
        })())
      ).page;
    afterAll(async () => {
      const { golden, page } = (await opened?.catch(() => undefined)) ?? {};
      await page?.close();
      await golden?.close();
    });

    it('shows every order with its state and progress, and renders to a screenshot', async () => {
      const page = await goldenPage();
      const dom = await page.dom();
      expect(dom).toContain('<h1>DMS data-tracking exporter</h1>');
      for (const [id, name, status] of [
        ['101', 'not-started', 'INIT'],
        ['102', 'listing', 'LISTING'],
        ['103', 'downloading', 'DOWNLOADING'],
        ['104', 'finished', 'FILTER_SUCCESS'],
        ['105', 'download-failed', 'DOWNLOAD_FAIL'],
        ['106', 'filter-failed', 'FILTER_FAIL'],
      ] as const) {
        // The legacy profile of the golden config has a console_url: its orders' ids link to their tickets.
        const link = `https://dms.example.com/ticket\\?order_id=${id}&amp;from=golden`;
        const cell = id === '103' || id === '106' ? `<a href="${link}">${id}</a>` : id;
        expect(dom).toMatch(
          new RegExp(
            `<tr data-order-id="${id}"[^>]*><td class="id">${cell}<div class="sub">config</div></td><td><div class="name clip" title="${name}">${name}</div></td><td><span [^>]*data-status="${status}"`,
          ),
        );
      }
      expect(dom).toContain(
        'no valid answer yet</span><br><span class="fail error">last call failed: SignatureDoesNotMatch</span>',
      );

      await mkdir('test-results', { recursive: true });
      const shot = join(process.cwd(), 'test-results', 'landing.png');
      await writeFile(shot, await page.screenshot());
      const png = await readFile(shot);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect((await stat(shot)).size).toBeGreaterThan(10_000);
    });

    it('fits a 1280-pixel window: every status and progress bar in view, nothing to scroll sideways', async () => {
      expectStatusAndProgressVisible(await (await goldenPage()).evaluate<Layout>(MEASURE), WINDOW.width, 12);
    });
  });

  it('fits a 1280-pixel window with the longest names, profile names, comments and error codes', async () => {
    const stack = await startStack({
      scenario: scenarioFromYaml(STRESS_SCENARIO),
      configText: STRESS_CONFIG,
    });
    try {
      await waitFor(
        'the discovered ticket',
        async () => ((await stack.scrape()).text.includes('order_id="3"') ? true : undefined),
        10_000,
        50,
      );
      const text = await (await fetch(`${stack.url}/`)).text();
      expect(text).toContain(`last call failed: ${LONG('InvalidParameter.', 64)}<`);
      expect(text).toContain('a-very-long-comment-without-spaces-');
      const page = await (await browser()).open(`${stack.url}/`, WINDOW);
      try {
        expectStatusAndProgressVisible(await page.evaluate<Layout>(MEASURE), WINDOW.width, 3);
      } finally {
        await page.close();
      }
    } finally {
      await stack.close();
    }
  });
});
