// The HTTP side every comparison server shares: a plain node:http /metrics endpoint, the ready line
// the harness waits for (the same JSON line the exporter logs), and a required --flag=VALUE.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';

const TEXT_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Serves `render()` at /metrics on an ephemeral loopback port and prints the harness's ready line. */
export async function serveMetrics(render: () => Promise<string | Buffer>): Promise<void> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    render().then(
      (body) => res.writeHead(200, { 'content-type': TEXT_CONTENT_TYPE }).end(body),
      (err: unknown) => {
        process.stderr.write(`render failed: ${err instanceof Error ? err.message : String(err)}\n`);
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The same JSON line the exporter logs, so one helper starts every server.
  process.stderr.write(
    `${JSON.stringify({ level: 'info', msg: 'serving metrics at /metrics', address: `127.0.0.1:${port}` })}\n`,
  );
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** The value of `--NAME=...`, required. */
export function requiredFlag(name: string): string {
  const { values } = parseArgs({ options: { [name]: { type: 'string' } }, strict: true });
  const value = values[name];
  if (typeof value !== 'string') throw new Error(`--${name}=FILE is required`);
  return value;
}
