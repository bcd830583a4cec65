import type { OrderMemory } from '../collector/order-state.js';
import { FINAL_STATUSES } from '../dms/types.js';
import { NO_JOB_TICKET_STATUSES, type TrackedOrder } from '../orders.js';
import type { ScrapeTimes } from './scrape-log.js';

export interface LandingEntry {
  readonly order: TrackedOrder;
  readonly memory: Readonly<OrderMemory>;
}

/**
 * The landing page: what the exporter last learned about each order it follows, configured or
 * discovered. It shows memory only; it never calls DMS (a page view must not cost API quota), so it
 * says when the last scrape was and when the next one is due.
 *
 * It fits a 1280-pixel window: the status (with the time of the last answer) and the progress come
 * right after the order and its name; long names, profiles, comments and databases are cut (the
 * whole text in a `title`) and the tracked range wraps, so the ticket's columns on the right give
 * way first. A test measures it in Chromium.
 */
export function renderLandingPage(
  version: string,
  entries: readonly LandingEntry[],
  scrapes: ScrapeTimes,
  nowMs: number,
): string {
  const rows = entries.map((entry) => renderRow(entry, scrapes, nowMs)).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="15">
<title>DMS data-tracking exporter</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin-top:1em;width:100%;font-size:14px}
th,td{padding:.4em .5em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
.id{white-space:nowrap;font-variant-numeric:tabular-nums}
.sub{color:#666;font-size:.85em}
.clip{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.name{max-width:10em}.profile{max-width:7em}.committer{max-width:8em}
.comment{max-width:16em}.database{max-width:12em}
.lines{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;overflow-wrap:anywhere}
.status{font-weight:600}
.ok{color:#1a7f37}.fail{color:#c62828}.run{color:#3274d9}.none{color:#888}
.error{overflow-wrap:anywhere}
.stage{white-space:nowrap}
.bar{width:4em;height:.7em;background:#eee;border-radius:3px;display:inline-block}
.bar>span{display:block;height:100%;border-radius:3px;background:#3274d9}
tr.failed .bar>span{background:#c62828}
.pct{display:inline-block;width:2.6em;margin-left:.3em;text-align:right;font-variant-numeric:tabular-nums}
</style>
</head>
<body>
<h1>DMS data-tracking exporter</h1>
<p>Version ${escapeHtml(version)}. Metrics: <a href="metrics">/metrics</a>. Health: <a href="-/healthy">/-/healthy</a>, <a href="-/ready">/-/ready</a>.</p>
<p class="scrapes">${escapeHtml(scrapeSummary(scrapes, nowMs))}</p>
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

const HEADINGS = ['Order', 'Name', 'Status', 'List', 'Download', 'Filter', 'Profile', 'Ticket', 'Tracks'];

/**
 * What the page is a picture of, and when it changes: the last scrape's time, and the next one's
 * from the last two scrapes of /metrics (Prometheus' interval, as the exporter saw it).
 */
function scrapeSummary(scrapes: ScrapeTimes, nowMs: number): string {
  const intro = 'Each order as the last scrape of /metrics or /probe saw it: this page never asks DMS.';
  const { last, metricsIntervalMs } = scrapes;
  if (last === undefined) return `${intro} No scrape yet: orders fill in at the first one.`;
  const lastScrape = `${intro} Last scrape: ${last.path}, ${ago(nowMs - last.atMs)}.`;
  // Two scrapes within a second are a person or a script, not Prometheus' interval.
  if (metricsIntervalMs === undefined || metricsIntervalMs < 1000 || last.path !== '/metrics') {
    return lastScrape;
  }
  const dueInMs = last.atMs + metricsIntervalMs - nowMs;
  const next = dueInMs >= 0 ? `is due in ${seconds(dueInMs)}` : `was due ${ago(-dueInMs)}`;
  return `${lastScrape} /metrics is scraped every ${seconds(metricsIntervalMs)} or so: the next ${next}.`;
}

function renderRow({ order, memory }: LandingEntry, scrapes: ScrapeTimes, nowMs: number): string {
  const degree = memory.lastDegree;
  const ticket = order.ticket;
  const status = statusText(order, memory, scrapes);
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
      : `<br><span class="fail error">last call failed: ${escapeHtml(failedCode)}</span>`;
  const answered =
    memory.lastSuccessMs === undefined
      ? ''
      : `<div class="sub">answered ${ago(nowMs - memory.lastSuccessMs)}</div>`;
  const cells = [
    `<td class="id">${idCell(order)}<div class="sub">${order.source}</div></td>`,
    `<td>${clipped('name', order.name)}</td>`,
    `<td><span class="status ${statusClass}" data-status="${escapeHtml(status)}">${escapeHtml(status)}</span>${error}${answered}</td>`,
    `<td>${progress('List', degree?.listRatio)}</td>`,
    `<td>${progress('Download', degree?.downloadRatio)}</td>`,
    `<td>${progress('Filter', degree?.filterRatio)}</td>`,
    `<td>${clipped('profile', order.profile)}</td>`,
    `<td>${ticketCell(ticket)}</td>`,
    `<td>${tracksCell(ticket?.detail)}</td>`,
  ];
  const rowClass = statusClass === 'fail' ? ' class="failed"' : '';
  return `<tr data-order-id="${escapeHtml(String(order.id))}"${rowClass}>${cells.join('')}</tr>`;
}

/** The job's status; before any answer, why there is none (no scrape yet, or none with this order). */
function statusText(order: TrackedOrder, memory: Readonly<OrderMemory>, scrapes: ScrapeTimes): string {
  const ticket = order.ticket;
  if (ticket !== undefined && NO_JOB_TICKET_STATUSES.has(ticket.status)) return `ticket ${ticket.status}`;
  if (memory.lastDegree !== undefined) return memory.lastDegree.status;
  if (memory.lastError !== undefined) return 'no valid answer yet';
  return scrapes.last === undefined ? 'waiting for the first scrape' : 'not in a scrape yet';
}

/** The order id, a link to its ticket when the profile has a console_url. */
function idCell(order: TrackedOrder): string {
  const id = escapeHtml(String(order.id));
  return order.consoleUrl === undefined ? id : `<a href="${escapeHtml(order.consoleUrl)}">${id}</a>`;
}

type Ticket = TrackedOrder['ticket'];

function ticketCell(ticket: Ticket): string {
  if (ticket === undefined) return '';
  const committer = ticket.committer === '' ? '' : clipped('committer', ticket.committer);
  const comment = ticket.comment === '' ? '' : clipped('comment', ticket.comment);
  return committer + comment;
}

function tracksCell(detail: NonNullable<Ticket>['detail']): string {
  if (detail === undefined) return '';
  const database = detail.database === '' ? '' : clipped('database', detail.database);
  const { rangeStartMs, rangeEndMs } = detail;
  if (rangeStartMs === undefined || rangeEndMs === undefined) return database;
  const utc = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return `${database}<div class="range">${utc(rangeStartMs)} –<br>${utc(rangeEndMs)} UTC</div>`;
}

/**
 * Text cut to its class's width, on one line (`clip`) or two (`lines`: a comment, a database); the
 * whole of it in the title, for a mouse or a screen reader.
 */
function clipped(kind: 'name' | 'profile' | 'committer' | 'comment' | 'database', text: string): string {
  const shown = escapeHtml(text);
  const cut = kind === 'comment' || kind === 'database' ? 'lines' : 'clip';
  return `<div class="${kind} ${cut}" title="${shown}">${shown}</div>`;
}

function progress(stage: string, ratio: number | undefined): string {
  if (ratio === undefined) return '<div class="stage none">–</div>';
  const percent = Math.round(ratio * 100);
  const bar = `<span class="bar" role="progressbar" aria-label="${stage}" aria-valuenow="${percent}" aria-valuemin="0" aria-valuemax="100"><span style="width:${percent}%"></span></span>`;
  return `<div class="stage">${bar}<span class="pct">${percent}%</span></div>`;
}

function ago(ms: number): string {
  return `${seconds(ms)} ago`;
}

function seconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 1000))}s`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
