import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProgram } from './process.js';
import { freePort, waitFor } from './services.js';

// A real forward proxy for the proxy tests: Debian's tinyproxy, in the foreground, on loopback, with
// its own config and log file (scripts/ensure-debian-tools.sh installs it).

export interface RunningProxy {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** The targets of the CONNECT requests it has logged so far (`host:port`), oldest first. */
  tunnels(): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts tinyproxy; with `basicAuth`, it answers 407 to a request without those credentials. */
export async function startTinyproxy(basicAuth?: { user: string; password: string }): Promise<RunningProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'tinyproxy-'));
  const port = await freePort();
  const log = join(dir, 'tinyproxy.log');
  const config = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Allow 127.0.0.1',
    `LogFile "${log}"`,
    'LogLevel Connect',
    'MaxClients 200',
    ...(basicAuth === undefined ? [] : [`BasicAuth ${basicAuth.user} ${basicAuth.password}`]),
  ];
  await writeFile(join(dir, 'tinyproxy.conf'), `${config.join('\n')}\n`);
  const program = startProgram('tinyproxy', 'tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')]);
  const stop = async (): Promise<void> => {
    await program.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('tinyproxy to listen', () => accepts(port), 10_000, 50);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${program.output()}`, { cause: error });
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async tunnels() {
      const text = await readFile(log, 'utf8').catch(() => '');
      return [...text.matchAll(/: CONNECT (\S+) HTTP\/1\.1$/gm)].map((m) => m[1] ?? '');
    },
    stop,
  };
}

function accepts(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}

/** A "proxy" that accepts connections and never answers: a CONNECT through it never completes. */
export async function startSilentProxy(): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
