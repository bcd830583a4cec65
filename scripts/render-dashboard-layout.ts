/**
 * Draws the committed dashboard's layout (rows, panel positions, types, titles, descriptions) as a
 * PNG with headless Chromium, for the README: no Grafana can run here, but the layout comes from
 * the real JSON, so the picture cannot drift from the dashboard. Usage:
 *   npx tsx scripts/render-dashboard-layout.ts docs/images/dashboard-layout.png
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { escapeHtml } from '../src/http/landing.js';

interface Panel {
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
}

const COLUMN_PX = 46;
const ROW_PX = 26;

function layoutHtml(title: string, panels: readonly Panel[]): string {
  const bottom = Math.max(...panels.map((p) => p.gridPos.y + p.gridPos.h));
  const boxes = panels.map(({ type, title: name, description, gridPos: g }) => {
    const style = `left:${g.x * COLUMN_PX}px;top:${g.y * ROW_PX}px;width:${g.w * COLUMN_PX - 6}px;height:${g.h * ROW_PX - 6}px`;
    if (type === 'row') return `<div class="row" style="${style}">${escapeHtml(name)}</div>`;
    return `<div class="panel" style="${style}"><b>${escapeHtml(name)}</b><i>${escapeHtml(type)}</i><p>${escapeHtml(description ?? '')}</p></div>`;
  });
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body{margin:0;padding:16px;background:#111217;font-family:system-ui,sans-serif;color:#ccccdc}
h1{font-size:18px;margin:0 0 12px}
.grid{position:relative;width:${24 * COLUMN_PX}px;height:${bottom * ROW_PX}px}
.row{position:absolute;font-weight:600;font-size:15px;color:#fff;border-bottom:1px solid #333}
.panel{position:absolute;background:#181b1f;border:1px solid #2d2f36;border-radius:3px;padding:6px 8px;overflow:hidden;box-sizing:border-box}
.panel b{display:block;font-size:13px;color:#fff}.panel i{font-size:11px;color:#6e9fff}
.panel p{font-size:11px;margin:4px 0 0;color:#9fa7b3}
</style></head><body><h1>${escapeHtml(title)} (layout)</h1><div class="grid">${boxes.join('')}</div></body></html>`;
}

const output = resolve(process.argv[2] ?? 'docs/images/dashboard-layout.png');
const dashboard = JSON.parse(readFileSync('grafana/dms-data-tracking.json', 'utf8')) as {
  title: string;
  panels: Panel[];
};
const dir = mkdtempSync(join(tmpdir(), 'layout-'));
try {
  const html = join(dir, 'layout.html');
  writeFileSync(html, layoutHtml(dashboard.title, dashboard.panels));
  const height = Math.max(...dashboard.panels.map((p) => p.gridPos.y + p.gridPos.h)) * ROW_PX + 70;
  const run = spawnSync(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${join(dir, 'profile')}`,
      `--window-size=${24 * COLUMN_PX + 32},${height}`,
      `--screenshot=${output}`,
      `file://${html}`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (run.status !== 0) throw new Error(`chromium failed: ${run.stderr}`);
  process.stdout.write(`wrote ${output}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
