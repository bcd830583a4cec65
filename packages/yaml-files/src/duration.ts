// Durations in Prometheus' notation (model.ParseDuration): units from largest to smallest, each at
// most once, integers only. Users already write scrape_timeout this way, so the exporter reads the same.

const UNITS = [
  ['y', 365 * 24 * 60 * 60 * 1000],
  ['w', 7 * 24 * 60 * 60 * 1000],
  ['d', 24 * 60 * 60 * 1000],
  ['h', 60 * 60 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
] as const;

// `m` must not swallow the `m` of `ms`, hence the lookahead.
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** The same notation as one pattern (non-empty, or a bare 0), for schemas and editors. */
export const DURATION_PATTERN = new RegExp(`^(?=.)(?:0|${DURATION.source.slice(1, -1)})$`);

/** Milliseconds, or undefined when `text` is not a duration such as `500ms`, `10s`, `1m30s`, `1d`. */
export function parseDuration(text: string): number | undefined {
  // A bare 0 is the one unitless value Prometheus accepts.
  if (text === '0') return 0;
  const match = DURATION.exec(text);
  if (text === '' || match === null) return undefined;
  let total = 0;
  UNITS.forEach(([, unitMs], index) => {
    const digits = match[index + 1];
    if (digits !== undefined) total += Number(digits) * unitMs;
  });
  return Number.isSafeInteger(total) ? total : undefined;
}

/** The shortest duration text for `ms` (rounded to whole milliseconds): `1m30s`, `500ms`, `0s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  let rest = Math.round(Math.abs(ms));
  if (rest === 0) return '0s';
  let text = '';
  for (const [unit, unitMs] of UNITS) {
    const count = Math.floor(rest / unitMs);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * unitMs;
  }
  return ms < 0 ? `-${text}` : text;
}
