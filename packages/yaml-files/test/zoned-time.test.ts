import { describe, expect, it } from 'vitest';
import { isTimeZone, parseLocalTime, zonedTime } from '../src/zoned-time.js';

describe('zoned times', () => {
  it('formats and parses yyyy-MM-dd HH:mm:ss in the zone', () => {
    const shanghai = zonedTime('Asia/Shanghai');
    const instant = Date.UTC(2026, 0, 5, 1, 2, 3);
    expect(shanghai.format(instant + 999)).toBe('2026-01-05 09:02:03');
    expect(shanghai.parse('2026-01-05 09:02:03')).toBe(instant);
    expect(zonedTime('UTC').format(instant)).toBe('2026-01-05 01:02:03');
    expect(shanghai.format(Date.UTC(2026, 0, 5, 16))).toBe('2026-01-06 00:00:00');
  });

  it('follows daylight saving time where the zone has it', () => {
    const berlin = zonedTime('Europe/Berlin');
    expect(berlin.parse('2026-01-15 12:00:00')).toBe(Date.UTC(2026, 0, 15, 11));
    expect(berlin.parse('2026-07-15 12:00:00')).toBe(Date.UTC(2026, 6, 15, 10));
    expect(berlin.format(Date.UTC(2026, 6, 15, 10))).toBe('2026-07-15 12:00:00');
  });

  it('refuses what is not a real local time, and unknown zones', () => {
    expect(parseLocalTime('2026-02-29 00:00:00')).toBeUndefined();
    expect(parseLocalTime('2026-01-05 24:00:00')).toBeUndefined();
    expect(parseLocalTime('2026-01-05T09:00:00')).toBeUndefined();
    expect(parseLocalTime('2028-02-29 23:59:59')).toBe(Date.UTC(2028, 1, 29, 23, 59, 59));
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
