import { once } from 'node:events';
import { createServer, request, type ClientRequest, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, type ListeningServer } from '../../src/util/http-server.js';
import { createRefusals } from '../../src/web/refusal.js';

// A small server that refuses every request with a 429 through createRefusals, and tells the test,
// for each request it took, whether the answer went out at once or is held.

/** Longer than the test runs: a held answer is never sent while it looks. */
const HOLD_MS = 60_000;
const MAX_HELD = 1_000;

interface Taken {
  readonly client: ClientRequest;
  readonly res: ServerResponse;
  /** The status line was written before the handler returned: not held. */
  readonly sentAtOnce: boolean;
  /** What the client got; pending while the answer is held. */
  readonly answer: Promise<{ status: number; body: string }>;
}

let server: ListeningServer | undefined;
const clients: ClientRequest[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await server?.close(0);
  server = undefined;
});

async function refusingServer(): Promise<() => Promise<Taken>> {
  const refusals = createRefusals(HOLD_MS);
  const waiting = new Map<string, (res: ServerResponse) => void>();
  const http = createServer((req, res) => {
    refusals.tooManyRequests(res);
    waiting.get(req.url ?? '')?.(res);
  });
  const listening = (server = await listen(http, { host: '127.0.0.1', port: 0 }));
  let sent = 0;
  // Each request on its own connection, named by its path so its answer object can be found.
  return async () => {
    const path = `/${(sent += 1)}`;
    const taken = new Promise<ServerResponse>((resolve) => waiting.set(path, resolve));
    const client = request({ host: '127.0.0.1', port: listening.port, path, agent: false });
    clients.push(client);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      client.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      client.on('error', reject);
    });
    // A held request is destroyed at the end; its rejection is expected.
    answer.catch(() => undefined);
    client.end();
    const res = await taken;
    waiting.delete(path);
    return { client, res, sentAtOnce: res.headersSent, answer };
  };
}

describe('createRefusals', () => {
  it('holds at most 1,000 answers; past that it sends them at once, until a held one closes', async () => {
    const refuse = await refusingServer();
    const held: Taken[] = [];
    // A hundred connections at a time stay within the listen backlog.
    for (let i = 0; i < MAX_HELD / 100; i++)
      held.push(...(await Promise.all(Array.from({ length: 100 }, () => refuse()))));
    expect(held.filter((taken) => taken.sentAtOnce).length).toBe(0);

    const past = await refuse();
    expect(past.sentAtOnce).toBe(true);
    expect(await past.answer).toEqual({ status: 429, body: 'Too Many Requests\n' });

    // A client that gives up on a held answer frees its place.
    const closed = once(held[0]!.res, 'close');
    held[0]!.client.destroy();
    await closed;
    expect((await refuse()).sentAtOnce).toBe(false);
    expect((await refuse()).sentAtOnce).toBe(true);
  });
});
