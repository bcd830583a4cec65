import type { ServerResponse } from 'node:http';

// How refusals are sent. A 429 is decided at once (a refused request never waits for a password
// check) but sent after a hold: a client that waits for its answer, as a scripted flood does, then
// asks about once per hold instead of as fast as the exporter can answer, which on a small machine
// kept the event loop busy enough to slow the scrapes it is there to protect. Held answers cost a
// timer each and are bounded; past the bound they are sent at once.

/** How long a 429 is held before it is sent. */
export const TOO_MANY_HOLD_MS = 1_000;
const MAX_HELD = 1_000;

export interface Refusals {
  unauthorized(res: ServerResponse): void;
  tooManyRequests(res: ServerResponse): void;
}

export function createRefusals(holdMs = TOO_MANY_HOLD_MS): Refusals {
  let held = 0;
  return {
    unauthorized: (res) => send(res, 401, 'Unauthorized\n', { 'WWW-Authenticate': 'Basic' }),
    tooManyRequests(res) {
      if (holdMs <= 0 || held >= MAX_HELD) return send(res, 429, 'Too Many Requests\n');
      held += 1;
      const release = () => {
        held -= 1;
        res.off('close', dropped);
      };
      const timer = setTimeout(() => {
        release();
        send(res, 429, 'Too Many Requests\n');
      }, holdMs);
      const dropped = () => {
        clearTimeout(timer);
        release();
      };
      res.on('close', dropped);
    },
  };
}

export function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}
