// Durations such as `500ms`, `20s`, `10m`, `1h`, `1m30s` (units from largest to smallest, each once,
// whole numbers), the notation the exporter's own config uses. Kept here so the simulator depends on
// nothing else in the project.

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

const DURATION = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds, or undefined when `text` is not such a duration. `0` alone means zero. */
export function parseDuration(text: string): number | undefined {
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
