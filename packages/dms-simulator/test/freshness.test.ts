import { describe, expect, it } from 'vitest';
import { NONCE_RETENTION_MS, NonceStore, parseTimestamp, timestampProblem } from '../src/freshness.js';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

describe('timestamps', () => {
  it('accepts only YYYY-MM-DDTHH:MM:SSZ dates that exist', () => {
    expect(parseTimestamp('2026-11-28T12:00:00Z')).toBe(NOW);
    for (const bad of [
      '2026-11-28T12:00:00',
      '2026-11-28T12:00:00.000Z',
      '2026-02-30T00:00:00Z',
      'yesterday',
    ]) {
      expect(parseTimestamp(bad)).toBeUndefined();
    }
  });

  it('allows 15 minutes of skew either way', () => {
    expect(timestampProblem('2026-11-28T11:45:00Z', NOW)).toBeUndefined();
    expect(timestampProblem('2026-11-28T12:15:00Z', NOW)).toBeUndefined();
    expect(timestampProblem('2026-11-28T11:44:59Z', NOW)?.code).toBe('InvalidTimeStamp.Expired');
    expect(timestampProblem('2026-11-28T12:15:01Z', NOW)?.code).toBe('InvalidTimeStamp.Expired');
    expect(timestampProblem('28/11/2026', NOW)?.code).toBe('InvalidTimeStamp.Format');
  });
});

describe('NonceStore', () => {
  it('remembers a nonce for 31 minutes, then forgets it (pruning memory)', () => {
    const store = new NonceStore();
    expect(store.remember('a', NOW)).toBe(true);
    expect(store.remember('a', NOW + NONCE_RETENTION_MS - 1)).toBe(false);
    expect(store.remember('b', NOW + 2)).toBe(true);
    expect(store.remember('c', NOW + NONCE_RETENTION_MS + 1)).toBe(true);
    expect(store.size).toBe(2);
    expect(store.remember('a', NOW + NONCE_RETENTION_MS + 2)).toBe(true);
  });

  it('never holds more than its cap', () => {
    const store = new NonceStore(NONCE_RETENTION_MS, 3);
    for (const n of ['1', '2', '3', '4']) store.remember(n, NOW);
    expect(store.size).toBe(3);
  });
});
