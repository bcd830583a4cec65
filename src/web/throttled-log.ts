import type { Logger } from 'pino';
import type { Clock } from '../util/clock.js';

// A warning anyone on the network can cause (wrong passwords, plain HTTP to the TLS port) must not
// let them flood the log: it is written the first time, then at most once per interval, with how
// many times each reason came up since the line before.

/** Notes one occurrence of `reason`; `fields` describe the latest one. */
export type ThrottledWarning = (reason: string, fields?: Readonly<Record<string, unknown>>) => void;

export const WARNING_INTERVAL_MS = 60_000;

export function throttledWarning(
  logger: Logger,
  clock: Clock,
  msg: string,
  everyMs = WARNING_INTERVAL_MS,
): ThrottledWarning {
  let counts: Record<string, number> = {};
  let lastAt: number | undefined;
  return (reason, fields = {}) => {
    counts[reason] = (counts[reason] ?? 0) + 1;
    const now = clock.now();
    if (lastAt !== undefined && now - lastAt < everyMs) return;
    lastAt = now;
    logger.warn({ ...fields, counts }, msg);
    counts = {};
  };
}
