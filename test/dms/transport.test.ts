import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTransport } from '../../src/dms/transport.js';
import type { SignedRequest } from '../../src/dms/sign.js';
import { listen, type ListeningServer } from '../../src/util/http-server.js';

// The exporter's HTTP layer against a plain server that counts its connections.

interface Counting {
  readonly server: ListeningServer;
  readonly sockets: Socket[];
  readonly closed: Promise<void>[];
  readonly hanging: ServerResponse[];
}

let running: Counting | undefined;
afterEach(async () => {
  await running?.server.close(0);
  running = undefined;
});

type Answer = 'json' | 'hang' | 'huge' | 'huge-chunked' | 'keep-alive-hint';

async function countingServer(answer: Answer = 'json'): Promise<Counting> {
  const sockets: Socket[] = [];
  const closed: Promise<void>[] = [];
  const hanging: ServerResponse[] = [];
  const http = createServer((_req, res) => {
    if (answer === 'hang') return void hanging.push(res);
    if (answer === 'huge') return void res.end('x'.repeat(5 * 1024 * 1024));
    if (answer === 'huge-chunked') {
      // No content-length: the cap must cut the answer off while it arrives.
      for (let i = 0; i < 5; i++) res.write('x'.repeat(1024 * 1024));
      return void res.end();
    }
    if (answer === 'keep-alive-hint') res.setHeader('keep-alive', 'timeout=3');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"Success":true}');
  });
  http.keepAliveTimeout = 60_000;
  http.on('connection', (socket: Socket) => {
    sockets.push(socket);
    closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
  });
  running = { server: await listen(http, { host: '127.0.0.1', port: 0 }), sockets, closed, hanging };
  return running;
}

const REQUEST: SignedRequest = { method: 'POST', path: '/', query: { OrderId: '1' }, headers: { host: 'x' } };
const options = () => ({ signal: new AbortController().signal, timeoutMs: 5_000 });
const CONNECTIONS = { connections: 10 };

describe('createTransport', () => {
  // undici checks an idle socket for one event-loop turn before it reuses it, and meanwhile may open a
  // second connection: sequential calls alternate between at most two.
  it('reuses kept-alive connections for sequential calls', async () => {
    const { server, sockets } = await countingServer();
    const transport = createTransport('http', server.address, CONNECTIONS);
    for (let i = 0; i < 20; i++) expect((await transport.send(REQUEST, options())).ok).toBe(true);
    expect(sockets.length).toBeLessThanOrEqual(2);
  });

  it('opens at most as many connections as calls in flight, and reuses them', async () => {
    const { server, sockets } = await countingServer();
    const transport = createTransport('http', server.address, CONNECTIONS);
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(Array.from({ length: 10 }, () => transport.send(REQUEST, options())));
      expect(results.every((r) => r.ok)).toBe(true);
    }
    expect(sockets.length).toBeLessThanOrEqual(10);
  });

  it('closes an idle pooled connection itself, before the server would', async () => {
    const { server, closed } = await countingServer();
    const transport = createTransport('http', server.address, { ...CONNECTIONS, freeSocketTimeoutMs: 50 });
    expect((await transport.send(REQUEST, options())).ok).toBe(true);
    await closed[0]; // the server keeps it 60 s: only the client's idle timeout can close it
  });

  it("closes an idle pooled connection sooner when the server's Keep-Alive hint says so", async () => {
    const { server, closed } = await countingServer('keep-alive-hint');
    // Idle sockets would live 60 s; the hint (3 s, less undici's 2 s margin) closes it after 1 s.
    const transport = createTransport('http', server.address, {
      ...CONNECTIONS,
      freeSocketTimeoutMs: 60_000,
    });
    expect((await transport.send(REQUEST, options())).ok).toBe(true);
    await closed[0];
  });

  it('cancels the request when the caller aborts, closing its connection', async () => {
    const { server, closed, hanging } = await countingServer('hang');
    const transport = createTransport('http', server.address, CONNECTIONS);
    const controller = new AbortController();
    const sending = transport.send(REQUEST, { signal: controller.signal, timeoutMs: 60_000 });
    while (hanging.length === 0) await new Promise((r) => setImmediate(r));
    controller.abort();
    expect(await sending).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    await closed[0];
  });

  it('gives up at its own deadline with a timeout', async () => {
    const { server, closed } = await countingServer('hang');
    const transport = createTransport('http', server.address, CONNECTIONS);
    expect(
      await transport.send(REQUEST, { signal: new AbortController().signal, timeoutMs: 100 }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'timeout' },
    });
    await closed[0];
  });

  it.each(['huge', 'huge-chunked'] as const)('refuses an answer larger than 4 MiB (%s)', async (answer) => {
    const { server } = await countingServer(answer);
    const transport = createTransport('http', server.address, CONNECTIONS);
    expect(await transport.send(REQUEST, options())).toMatchObject({
      ok: false,
      error: { kind: 'too_large' },
    });
  });

  it('says network for a refused connection', async () => {
    const { server } = await countingServer();
    const address = server.address;
    await server.close(0);
    running = undefined;
    expect(await createTransport('http', address, CONNECTIONS).send(REQUEST, options())).toMatchObject({
      ok: false,
      error: { kind: 'network', code: 'ECONNREFUSED' },
    });
  });
});
