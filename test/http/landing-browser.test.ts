import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGoldenStack } from '../support/golden.js';
import type { Stack } from '../support/stack.js';

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

let stack: Stack | undefined;
afterAll(async () => stack?.close());

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
          `<tr data-order-id="${id}"[^>]*><td>${cell}</td><td>${name}</td>.*data-status="${status}"`,
        ),
      );
    }
    expect(dom).toContain(
      'no valid answer yet</span><br><span class="fail">last call failed: SignatureDoesNotMatch</span>',
    );

    await mkdir('test-results', { recursive: true });
    const shot = join(process.cwd(), 'test-results', 'landing.png');
    await chromium([`--screenshot=${shot}`, '--window-size=1440,720', `${stack.url}/`]);
    const png = await readFile(shot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect((await stat(shot)).size).toBeGreaterThan(10_000);
  });
});
