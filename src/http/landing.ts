import type { Order } from '../config/schema.js';
import type { OrderMemory } from '../collector/order-state.js';
import { FINAL_STATUSES } from '../dms/types.js';

export interface LandingEntry {
  readonly order: Order;
  readonly memory: Readonly<OrderMemory>;
}

/**
 * The landing page: what the exporter last learned about each configured order. It shows memory
 * only; it never calls DMS (a page view must not cost API quota).
 */
export function renderLandingPage(version: string, entries: readonly LandingEntry[], nowMs: number): string {
  const rows = entries.map((entry) => renderRow(entry, nowMs)).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="15">
<title>DMS data-tracking exporter</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin-top:1em}
th,td{padding:.35em .8em;border-bottom:1px solid #ddd;text-align:left;vertical-align:middle;white-space:nowrap}
.bar{width:7em;height:.8em;background:#eee;border-radius:3px;display:inline-block;vertical-align:middle}
.bar>span{display:block;height:100%;border-radius:3px;background:#3274d9}
tr.failed .bar>span{background:#c62828}
.pct{font-variant-numeric:tabular-nums;margin-left:.4em}
.status{font-weight:600}
.ok{color:#1a7f37}.fail{color:#c62828}.run{color:#3274d9}.none{color:#888}
</style>
</head>
<body>
<h1>DMS data-tracking exporter</h1>
<p>Version ${escapeHtml(version)}. Metrics: <a href="metrics">/metrics</a>. Health: <a href="-/healthy">/-/healthy</a>, <a href="-/ready">/-/ready</a>.</p>
<p>Last known state of each configured order, as of the latest scrape (this page does not call DMS).</p>
<table>
<thead><tr><th>Order</th><th>Name</th><th>Profile</th><th>Status</th><th>List</th><th>Download</th><th>Filter</th><th>Last answer</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="8" class="none">No orders configured.</td></tr>'}
</tbody>
</table>
</body>
</html>
`;
}

function renderRow({ order, memory }: LandingEntry, nowMs: number): string {
  const degree = memory.lastDegree;
  const status =
    degree !== undefined
      ? degree.status
      : memory.lastError?.code === undefined
        ? 'not scraped yet'
        : 'no valid answer yet';
  const statusClass =
    degree === undefined
      ? 'none'
      : degree.status.endsWith('_FAIL')
        ? 'fail'
        : FINAL_STATUSES.has(degree.status)
          ? 'ok'
          : 'run';
  const failedCode = memory.lastError?.code;
  const error =
    failedCode === undefined
      ? ''
      : `<br><span class="fail">last call failed: ${escapeHtml(failedCode)}</span>`;
  const cells = [
    escapeHtml(String(order.id)),
    escapeHtml(order.name),
    escapeHtml(order.profile),
    `<span class="status ${statusClass}" data-status="${escapeHtml(status)}">${escapeHtml(status)}</span>${error}`,
    progressBar(degree?.listRatio),
    progressBar(degree?.downloadRatio),
    progressBar(degree?.filterRatio),
    memory.lastSuccessMs === undefined
      ? 'never'
      : `${Math.max(0, Math.round((nowMs - memory.lastSuccessMs) / 1000))}s ago`,
  ];
  const rowClass = statusClass === 'fail' ? ' class="failed"' : '';
  return `<tr data-order-id="${escapeHtml(String(order.id))}"${rowClass}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

function progressBar(ratio: number | undefined): string {
  if (ratio === undefined) return '<span class="none">–</span>';
  const percent = Math.round(ratio * 100);
  return `<span class="bar" role="progressbar" aria-valuenow="${percent}" aria-valuemin="0" aria-valuemax="100"><span style="width:${percent}%"></span></span><span class="pct">${percent}%</span>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
