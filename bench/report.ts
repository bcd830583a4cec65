// The results as text: the per-case table, the targets table and the machine line, in Markdown that
// reads as well in a terminal as in docs/performance.md.
import type { BenchResults, CaseResult, TargetResult, VariantResult } from './results.js';

const CASE_HEADER = [
  'case',
  'variant',
  'scrape',
  '× floor',
  'DMS calls',
  'CPU / call',
  'CPU / order',
  'body',
  'gzip',
  'RSS',
] as const;

/** A Markdown table padded to its column widths; `right` lists the right-aligned columns. */
export function markdownTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  right: readonly number[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (cell: string, i: number): string =>
    right.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0);
  const line = (cells: readonly string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((w, i) => (right.includes(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

const thousands = (n: number): string => n.toLocaleString('en-US');

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 100_000 ? 0 : 2)} s`;
  return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

function formatUs(us: number | null): string {
  return us === null ? '–' : `${us.toFixed(us < 10 ? 1 : 0)} µs`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${bytes} B`;
}

function caseLabel(c: CaseResult): string {
  const latency = c.mode === 'cold' ? `, ${c.latency_ms} ms` : '';
  return `${c.mode} ${thousands(c.orders)}${latency}`;
}

const VARIANT_NAMES: Partial<Record<string, string>> = {
  'static-body': 'static body (floor)',
  'node-http': 'exporter, node:http',
};

function variantRow(c: CaseResult, v: VariantResult): string[] {
  const ratio = v.floor_ratio === null ? '–' : `${v.floor_ratio.toFixed(2)}×`;
  const name = VARIANT_NAMES[v.variant] ?? v.variant;
  if (v.status === 'estimated')
    return [caseLabel(c), name, `~${formatMs(v.scrape_ms)} est.`, `~${ratio}`, '', '', '', '', '', ''];
  return [
    caseLabel(c),
    name,
    formatMs(v.scrape_ms),
    ratio,
    v.dms_calls === null ? '–' : thousands(v.dms_calls),
    formatUs(v.cpu_us_per_call),
    formatUs(v.cpu_us_per_order),
    formatBytes(v.body_bytes),
    formatBytes(v.body_gzip_bytes),
    `${v.rss_mib.toFixed(0)} MiB`,
  ];
}

export function casesTable(results: Pick<BenchResults, 'cases'>): string {
  const rows = results.cases.flatMap((c) => c.variants.map((v) => variantRow(c, v)));
  return markdownTable(CASE_HEADER, rows, [2, 3, 4, 5, 6, 7, 8, 9]);
}

function verdictText(t: TargetResult): string {
  if (t.met === null || t.measured === null) return t.note;
  if (t.met) return 'met';
  const ratio = t.measured / t.limit;
  const by = `missed by ${Math.ceil((ratio - 1) * 100)}%`;
  return ratio >= 2 ? `${by} (${ratio.toFixed(1)}× the limit)` : by;
}

function figure(value: number, unit: string): string {
  if (unit === 'ms') return formatMs(value);
  if (unit === '× floor') return `${value.toFixed(2)}× floor`;
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ${unit}`;
}

export function targetsTable(results: Pick<BenchResults, 'targets'>): string {
  const rows = results.targets.map((t) => [
    t.description,
    `≤ ${figure(t.limit, t.unit)}`,
    t.measured === null ? '–' : figure(t.measured, t.unit),
    verdictText(t),
  ]);
  return markdownTable(['target', 'limit', 'measured', 'verdict'], rows, [1, 2]);
}

export function machineLine(results: BenchResults): string {
  const { machine: m, settings: s } = results;
  return (
    `Measured ${results.date.slice(0, 10)} on ${m.cpu_model} (${m.cores} cores, ` +
    `${(m.memory_mib / 1024).toFixed(0)} GiB), ${m.os}, Node ${m.node}, revision ${results.revision}; ` +
    `medians of ${s.rounds} interleaved round${s.rounds === 1 ? '' : 's'} per case; cold cases ${s.latency_ms} ms simulated latency ` +
    `per DMS call, exporter concurrency ${s.concurrency}.`
  );
}

/** Why some rows are estimates (empty when none is). */
export function estimateNotes(results: Pick<BenchResults, 'cases' | 'settings'>): string {
  const notes = results.cases.flatMap((c) =>
    c.variants.flatMap((v) =>
      v.status === 'estimated' ? [`- ${caseLabel(c)}, ${v.variant}: ${v.basis}.`] : [],
    ),
  );
  if (notes.length === 0) return '';
  const budget = formatMs(results.settings.baseline_budget_ms);
  return `Rows marked est. were not run (predicted over the ${budget} per-scrape budget for baselines):\n${notes.join('\n')}`;
}

/**
 * The exporter (undici) over the same exporter with its former node:http transport, case by case:
 * both ran in the same rounds, so the ratios hold however loaded the machine was.
 */
export function transportTable(results: Pick<BenchResults, 'cases'>): string {
  const ratio = (a: number | null, b: number | null): string =>
    a === null || b === null || b === 0 ? '–' : `${(a / b).toFixed(2)}×`;
  const rows = results.cases.flatMap((c) => {
    const measured = (variant: string) => {
      const found = c.variants.find((v) => v.variant === variant);
      return found?.status === 'measured' ? found : undefined;
    };
    const undici = measured('exporter');
    const nodeHttp = measured('node-http');
    if (undici === undefined || nodeHttp === undefined) return [];
    return [
      [
        caseLabel(c),
        ratio(undici.scrape_ms, nodeHttp.scrape_ms),
        ratio(undici.cpu_us_per_order, nodeHttp.cpu_us_per_order),
        ratio(undici.rss_mib, nodeHttp.rss_mib),
        ratio(undici.peak_rss_mib, nodeHttp.peak_rss_mib),
      ],
    ];
  });
  if (rows.length === 0) return '';
  const header = ['case', 'scrape', 'CPU / order', 'RSS', 'peak RSS'];
  return `undici over node:http (the exporter with each transport, same rounds):\n\n${markdownTable(header, rows, [1, 2, 3, 4])}`;
}
