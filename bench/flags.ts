// Reading command-line values for the bench and soak tools: each names its flag when it is wrong.
// Durations are written as in the exporter's config. Nothing heavier is imported, so a tool can
// refuse a wrong flag before it loads the exporter's modules.
import { parseDuration } from 'yaml-files';

export function list(text: string, flag: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new Error(`--${flag}: empty item in "${text}"`);
  return items;
}

export function whole(text: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max))
    throw new Error(`--${flag}: ${text} is not a whole number in ${min}..${max}`);
  return value;
}

/** Milliseconds; `minMs` 1 refuses a zero duration where zero means nothing useful. */
export function duration(text: string, flag: string, minMs = 0): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < minMs)
    throw new Error(
      `--${flag}: ${text} is not a duration such as ${minMs > 0 ? '500ms or 3m' : '50ms or 10s'}`,
    );
  return ms;
}

export function oneOf<T extends string>(items: readonly string[], allowed: readonly T[], flag: string): T[] {
  const bad = items.find((item) => !(allowed as readonly string[]).includes(item));
  if (bad !== undefined) throw new Error(`--${flag}: unknown "${bad}" (one of ${allowed.join(', ')})`);
  return items as T[];
}
