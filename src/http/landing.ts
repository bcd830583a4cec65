import type { OrderMemory } from '../collector/order-state.js';
import { NO_JOB_TICKET_STATUSES, type TrackedOrder } from '../orders.js';
import { FINAL_STATUSES } from '../dms/types.js';

export interface LandingEntry {
  readonly order: TrackedOrder;
  readonly memory: Readonly<OrderMemory>;
}

/**
 * The landing page: what the exporter last learned about each order it follows, configured or
 * discovered. It shows memory only; it never calls DMS (a page view must not cost API quota).
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
.comment{max-width:22em;overflow:hidden;text-overflow:ellipsis}
</style>
</head>
<body>
<h1>DMS data-tracking exporter</h1>
<p>Version ${escapeHtml(version)}. Metrics: <a href="metrics">/metrics</a>. Health: <a href="-/healthy">/-/healthy</a>, <a href="-/ready">/-/ready</a>.</p>
<p>Last known state of each order, configured or discovered, as of the latest scrape (this page does not call DMS).</p>
<table>
<thead><tr>${HEADINGS.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${rows || `<tr><td colspan="${HEADINGS.length}" class="none">No orders configured or discovered yet.</td></tr>`}
</tbody>
</table>
</body>
</html>
`;
}

const HEADINGS = [
  'Order',
  'Name',
  'Source',
  'Profile',
  'Committer',
  'Comment',
  'Database',
  'Tracked range',
  'Status',
  'List',
  'Download',
  'Filter',
  'Last answer',
];

function renderRow({ order, memory }: LandingEntry, nowMs: number): string {
  const degree = memory.lastDegree;
  const ticket = order.ticket;
  const waiting = ticket !== undefined && NO_JOB_TICKET_STATUSES.has(ticket.status);
  const status = waiting
    ? `ticket ${ticket.status}`
    : degree !== undefined
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
  const comment = ticket?.comment ?? '';
  const id = escapeHtml(String(order.id));
  const cells = [
    order.consoleUrl === undefined ? id : `<a href="${escapeHtml(order.consoleUrl)}">${id}</a>`,
    escapeHtml(order.name),
    order.source,
    escapeHtml(order.profile),
    escapeHtml(ticket?.committer ?? ''),
    `<div class="comment" title="${escapeHtml(comment)}">${escapeHtml(comment)}</div>`,
    escapeHtml(ticket?.detail?.database ?? ''),
    trackedRange(ticket?.detail?.rangeStartMs, ticket?.detail?.rangeEndMs),
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

function trackedRange(startMs: number | undefined, endMs: number | undefined): string {
  if (startMs === undefined || endMs === undefined) return '';
  const utc = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return `${utc(startMs)} – ${utc(endMs)} UTC`;
}

function progressBar(ratio: number | undefined): string {
  if (ratio === undefined) return '<span class="none">–</span>';
  const percent = Math.round(ratio * 100);
  return `<span class="bar" role="progressbar" aria-valuenow="${percent}" aria-valuemin="0" aria-valuemax="100"><span style="width:${percent}%"></span></span><span class="pct">${percent}%</span>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
