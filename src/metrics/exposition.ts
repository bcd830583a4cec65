// The text exposition formats, written exactly as prom-client 15 writes them (lib/registry.js,
// lib/util.js), so that the order series we render ourselves and the self metrics prom-client
// renders form one body that is byte for byte what a single prom-client registry would produce.
// test/metrics/render-identity.test.ts holds the two side by side.

/** Text format 0.0.4, or OpenMetrics (1.0.0; the 0.0.1 content type gets the same body). */
export type ExpositionFormat = 'text' | 'openmetrics';

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
export const OPENMETRICS_0_0_1_CONTENT_TYPE = 'application/openmetrics-text; version=0.0.1; charset=utf-8';

/**
 * What prom-client puts between two metric families: a blank line in the text format, none in
 * OpenMetrics (where a blank line would be a parse error).
 */
export function familySeparator(format: ExpositionFormat): string {
  return format === 'openmetrics' ? '\n' : '\n\n';
}

/** What ends a body after its last family (prom-client's `metrics()`). */
export function bodyEnd(format: ExpositionFormat): string {
  return format === 'openmetrics' ? '\n# EOF\n' : '\n';
}

/** HELP text and metric names: backslash and newline escaped, quotes left alone. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Label values: as help text, plus double quotes. (prom-client leaves \r and other controls as they are.) */
export function escapeLabelValue(value: string): string {
  return escapeHelp(value).replace(/"/g, '\\"');
}

/**
 * A sample value as prom-client writes it: JavaScript's own number formatting (`1e-7`, `1e+21`,
 * `0.30000000000000004`), `+Inf`/`-Inf`, and `Nan` (sic: prom-client's spelling; parsers accept
 * it, and no value we export can be NaN, but the bytes must not differ if one ever is).
 */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}

/** The `# HELP` and `# TYPE` lines of a gauge family, without a trailing newline (as prom-client joins them). */
export function gaugeHeader(metric: { readonly name: string; readonly help: string }): string {
  const name = escapeHelp(metric.name);
  return `# HELP ${name} ${escapeHelp(metric.help)}\n# TYPE ${name} gauge`;
}
