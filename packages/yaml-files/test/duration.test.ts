import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/duration.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['0s', 0],
    ['500ms', 500],
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['1h2m3s4ms', 3_723_004],
    ['90s', 90_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', '10 sec', '0.5s', '-1s', '1s1m', '1m1m', 's', '1S', ' 1s', '1s ', '99999999999999999y'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [10_000, '10s'],
    [90_000, '1m30s'],
    [600_000, '10m'],
    [86_400_000, '1d'],
    [3_723_004, '1h2m3s4ms'],
    [-1500, '-1s500ms'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [0, 1, 999, 1000, 61_001, 3_600_000, 90_061_001, 31_536_000_000 + 604_800_000 + 1]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
    for (const text of ['500ms', '10s', '1m30s', '10m', '1h', '1d', '2w3d']) {
      expect(formatDuration(parseDuration(text) ?? -1)).toBe(text);
    }
  });
});
