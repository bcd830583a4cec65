// The clients of `npm run soak -- --auth-flood` and `--login-timing`: a flood of wrong passwords,
// and a prober that calls one path at a steady pace and times every answer.
import { Agent, request } from 'node:http';
import { median } from '../bench/stats.js';

/** What one request got: its status, or why it failed, and how long it took to the body's end. */
export interface Timed {
  readonly outcome: string;
  readonly ms: number;
}

const REQUEST_LIMIT_MS = 30_000;

export const basicAuth = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * One GET with the given Authorization header, body read to the end and dropped. `agent` false
 * opens a new connection for it, as a health checker does; an Agent keeps one alive, as Prometheus does.
 */
export function timedGet(url: URL, authorization: string, agent: Agent | false): Promise<Timed> {
  const started = performance.now();
  const done = (outcome: string): Timed => ({ outcome, ms: performance.now() - started });
  return new Promise((resolve) => {
    const req = request(url, { agent, headers: { authorization }, timeout: REQUEST_LIMIT_MS }, (res) => {
      res.on('data', () => undefined);
      res.on('error', (error) => resolve(done(error.message)));
      res.on('end', () => resolve(done(String(res.statusCode))));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_LIMIT_MS} ms`)));
    req.on('error', (error) => resolve(done(error.message)));
    req.end();
  });
}

export interface Flood {
  /** Answers by status (or error message). */
  readonly outcomes: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * `clients` loops, each on its own kept-alive connection, each request with a password never sent
 * before. Stopping cuts the requests still waiting for an answer; they are not counted.
 */
export function startFlood(url: URL, user: string, clients: number): Flood {
  const outcomes = new Map<string, number>();
  const agents = Array.from({ length: clients }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  let stopping = false;
  const loop = async (client: number, agent: Agent): Promise<void> => {
    for (let n = 0; !stopping; n++) {
      const { outcome } = await timedGet(url, basicAuth(user, `wrong-${client}-${n}`), agent);
      if (!stopping) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  };
  const loops = agents.map((agent, client) => loop(client, agent));
  return {
    outcomes,
    async stop() {
      stopping = true;
      for (const agent of agents) agent.destroy();
      await Promise.all(loops);
    },
  };
}

export interface Prober {
  readonly answers: Timed[];
  stop(): Promise<void>;
}

/**
 * Calls `url` every `everyMs` (the next call waits for a slow one to end), starting after `offsetMs`.
 * With `keepAlive` one connection serves every call; without, each call opens its own.
 */
export function startProber(
  url: URL,
  authorization: string,
  options: { readonly everyMs: number; readonly offsetMs: number; readonly keepAlive: boolean },
): Prober {
  const answers: Timed[] = [];
  const agent = options.keepAlive ? new Agent({ keepAlive: true, maxSockets: 1 }) : false;
  let stopping = false;
  let wake: () => void = () => undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => (clearTimeout(timer), resolve());
    });
  const loop = async (): Promise<void> => {
    await sleep(options.offsetMs);
    while (!stopping) {
      const started = performance.now();
      answers.push(await timedGet(url, authorization, agent));
      if (!stopping) await sleep(Math.max(0, options.everyMs - (performance.now() - started)));
    }
    if (agent) agent.destroy();
  };
  const running = loop();
  return {
    answers,
    async stop() {
      stopping = true;
      wake();
      await running;
    },
  };
}

/** Median, 90th percentile and maximum, in ms. */
export function spread(values: readonly number[]): { median: number; p90: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { median: median(sorted), p90: at(0.9), max: sorted[sorted.length - 1] ?? NaN };
}
