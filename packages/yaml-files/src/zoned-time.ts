// DMS writes times as `yyyy-MM-dd HH:mm:ss` without a zone. Both programs read and write them in an
// IANA zone they are given: the exporter in `discovery.timezone`, the simulator in the scenario's.

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * The wall-clock fields of `yyyy-MM-dd HH:mm:ss` as if they were UTC (ms), or undefined when the text is
 * malformed or not a real date. The zone is applied later by `ZonedTime.fromLocal`.
 */
export function parseLocalTime(text: string): number | undefined {
  return utcFromDateTimeFields(LOCAL_TIME.exec(text));
}

/**
 * Milliseconds for a match whose six groups are year, month, day, hour, minute and second read as
 * UTC, or undefined without a match or for a date that does not exist: Date.UTC rolls 2026-02-30
 * over into March, and the round trip catches it.
 */
export function utcFromDateTimeFields(match: RegExpExecArray | null): number | undefined {
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  const real =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second;
  return real ? ms : undefined;
}

/** True when the runtime knows `zone` as an IANA time zone name. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface ZonedTime {
  /** `yyyy-MM-dd HH:mm:ss` of an instant, in the zone. */
  readonly format: (epochMs: number) => string;
  /** The instant of `yyyy-MM-dd HH:mm:ss` in the zone, or undefined when malformed. */
  readonly parse: (text: string) => number | undefined;
  /** The instant whose wall-clock fields in the zone are `localMs` (fields as if UTC). */
  readonly fromLocal: (localMs: number) => number;
}

/** Formatting and parsing in `zone` (which must satisfy isTimeZone). One formatter, built once. */
export function zonedTime(zone: string): ZonedTime {
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const fields = (epochMs: number): Record<string, string> =>
    Object.fromEntries(formatter.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  // The zone's offset at an instant: its wall-clock fields read as UTC, minus the instant.
  const offsetAt = (epochMs: number): number => {
    const f = fields(epochMs);
    const local = Date.UTC(
      Number(f.year),
      Number(f.month) - 1,
      Number(f.day),
      Number(f.hour),
      Number(f.minute),
      Number(f.second),
    );
    return local - Math.floor(epochMs / 1000) * 1000;
  };
  const fromLocal = (localMs: number): number => {
    // Twice: the offset at the first guess may differ from the offset at the answer (a DST change).
    const first = localMs - offsetAt(localMs);
    return localMs - offsetAt(first);
  };
  return {
    format: (epochMs) => {
      const f = fields(epochMs);
      return `${f.year}-${f.month}-${f.day} ${f.hour}:${f.minute}:${f.second}`;
    },
    parse: (text) => {
      const local = parseLocalTime(text);
      return local === undefined ? undefined : fromLocal(local);
    },
    fromLocal,
  };
}
