import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startGoldenStack } from '../support/golden.js';
import { waitFor } from '../support/services.js';
import { TEST_KEY, scenarioFromYaml, startStack, type Stack } from '../support/stack.js';

/** Flags measured to work here: no sandbox as root, and no background traffic to the closed network. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];

async function chromium(args: readonly string[]): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'chromium-'));
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn('chromium', [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...args]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', (err) =>
        reject(new Error(`chromium not runnable (install Debian chromium): ${err.message}`)),
      );
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(stdout);
        else reject(new Error(`chromium exited ${code}: ${stderr.slice(-2000)}`));
      });
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

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
 * Runs in the page once it is laid out: the bounding box of each row's cell in each IN_VIEW column
 * (found by its heading), written into the DOM for --dump-dom.
 */
const MEASURE = `<script>
addEventListener('load', () => {
  const headings = [...document.querySelectorAll('thead th')].map((th) => th.textContent);
  const rows = [...document.querySelectorAll('tr[data-order-id]')].map((tr) => ({
    id: tr.dataset.orderId,
    boxes: ${JSON.stringify(IN_VIEW)}.map((what) => {
      const cell = tr.cells[headings.indexOf(what)];
      const r = cell ? cell.getBoundingClientRect() : { left: -1, right: -1 };
      return { what, left: r.left, right: r.right };
    }),
  }));
  const layout = { viewportWidth: innerWidth, pageWidth: document.documentElement.scrollWidth, rows };
  const out = document.createElement('pre');
  out.id = 'layout';
  out.textContent = JSON.stringify(layout);
  document.body.append(out);
});
</script>`;

/** The landing page of `stack` as Chromium lays it out in a window `width` pixels wide. */
async function layoutAt(stack: Stack, width: number): Promise<Layout> {
  const page = await (await fetch(`${stack.url}/`)).text();
  const dir = await mkdtemp(join(tmpdir(), 'landing-'));
  try {
    const file = join(dir, 'landing.html');
    await writeFile(file, page.replace('</body>', `${MEASURE}</body>`));
    const dom = await chromium(['--dump-dom', `--window-size=${width},900`, pathToFileURL(file).href]);
    const json = /<pre id="layout">(.*?)<\/pre>/s.exec(dom)?.[1];
    if (json === undefined) throw new Error('the page did not report its layout');
    return JSON.parse(json.replaceAll('&quot;', '"').replaceAll('&amp;', '&')) as Layout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

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

/** Orders with the longest names, profile names, comments and error codes the exporter takes. */
const STRESS_SCENARIO = `credentials:
  - { access_key_id: ${TEST_KEY.accessKeyId}, access_key_secret: ${TEST_KEY.accessKeySecret} }
orders:
  - { id: 9007199254740991, list: 1h }
  - { id: 2, list: 10s, download: 10s, filter: 10s, fault: { kind: business_error, code: ${LONG('InvalidParameter.', 200)} } }
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

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('landing page in headless Chromium', () => {
  it('shows every order with its state and progress, and renders to a screenshot', async () => {
    stack = await startGoldenStack();
    await stack.scrape();

    const dom = await chromium(['--dump-dom', `${stack.url}/`]);
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
    await chromium([`--screenshot=${shot}`, '--window-size=1280,720', `${stack.url}/`]);
    const png = await readFile(shot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect((await stat(shot)).size).toBeGreaterThan(10_000);
  });

  it('fits a 1280-pixel window: every status and progress bar in view, nothing to scroll sideways', async () => {
    stack = await startGoldenStack();
    await stack.scrape();
    expectStatusAndProgressVisible(await layoutAt(stack, 1280), 1280, 12);
  });

  it('fits a 1280-pixel window with the longest names, profile names, comments and error codes', async () => {
    stack = await startStack({ scenario: scenarioFromYaml(STRESS_SCENARIO), configText: STRESS_CONFIG });
    const s = stack;
    await waitFor(
      'the discovered ticket',
      async () => ((await s.scrape()).text.includes('order_id="3"') ? true : undefined),
      10_000,
      50,
    );
    const page = await (await fetch(`${s.url}/`)).text();
    expect(page).toContain('last call failed: InvalidParameter.');
    expect(page).toContain('a-very-long-comment-without-spaces-');
    expectStatusAndProgressVisible(await layoutAt(s, 1280), 1280, 3);
  });
});
