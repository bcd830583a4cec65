/**
 * npm run bench:calls: the CPU one DMS call costs the exporter, layer by layer, side by side in one
 * run. Against a local server (its own process) that answers a fixed GetDataTrackJobDegree body at
 * once, so the figures are the client's work alone:
 *
 *   sdk             @alicloud/openapi-client callApi: signing, tea, httpx (the path the exporter first took)
 *   exporter        the exporter's path: the SDK's signing functions, then undici (src/dms/)
 *   node-http       the same with the transport the exporter had before undici (bench/node-http-transport.ts)
 *   signing         the SDK's signing functions alone (src/dms/sign.ts), no request sent
 *   http            an unsigned request through the exporter's transport (undici): the floor for it
 *   http-node-http  an unsigned request through the node:http transport
 *
 * Calls run `--concurrency` at a time; variants are interleaved round by round; medians are printed.
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { signRequest } from '../src/dms/sign.js';
import { createTransport, type Transport } from '../src/dms/transport.js';
import { createNodeHttpTransport } from './node-http-transport.js';
import { callJobDegree } from '../test/support/sdk-client.js';
import { whole } from './flags.js';
import { median } from './stats.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '5' },
    'serve-only': { type: 'boolean', default: false },
  },
});

const USAGE = 'usage: npm run bench:calls -- [--calls=N] [--concurrency=N] [--rounds=N]';

const ANSWER = JSON.stringify({
  RequestId: 'R',
  Success: true,
  JobDegree: {
    JobStatus: 'DOWNLOADING',
    StatusDesc: 'downloading',
    ListCompletionDegree: 1,
    DownloadCompletionDegree: 0.5,
    FilterCompletionDegree: 0,
  },
});

if (values['serve-only']) {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(ANSWER));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.(typeof address === 'object' && address !== null ? address.port : 0);
  });
} else {
  await main();
}

async function main(): Promise<void> {
  let calls: number, concurrency: number, rounds: number;
  try {
    calls = whole(values.calls, 'calls', 1);
    concurrency = whole(values.concurrency, 'concurrency', 1);
    rounds = whole(values.rounds, 'rounds', 1);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const child = fork(new URL(import.meta.url), ['--serve-only'], {
    execArgv: ['--conditions=source', '--import', 'tsx'],
  });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  const endpoint = `127.0.0.1:${port}`;
  const credential = {
    type: 'access_key',
    providerName: 'static_ak',
    accessKeyId: 'LTAIbenchKey',
    accessKeySecret: 'bench-secret',
    securityToken: undefined,
  } as const;
  const context = { endpoint, algorithm: 'ACS3-HMAC-SHA256', userAgent: 'bench' } as const;
  const transport = createTransport('http', endpoint, { connections: concurrency });
  const nodeHttp = createNodeHttpTransport('http', endpoint, { connections: concurrency });
  const options = () => ({ signal: new AbortController().signal, timeoutMs: 10_000 });
  const params = { OrderId: '42' };
  const unsigned = { method: 'POST', path: '/', query: params, headers: { host: endpoint } } as const;
  const signedCall = async (through: Transport): Promise<void> => {
    const sent = await through.send(
      signRequest('GetDataTrackJobDegree', params, credential, context),
      options(),
    );
    if (sent.ok) JSON.parse(sent.value.body);
  };
  const variants: Record<string, () => Promise<unknown>> = {
    sdk: () =>
      callJobDegree(
        { endpoint, accessKeyId: credential.accessKeyId, accessKeySecret: credential.accessKeySecret },
        { OrderId: 42 },
      ),
    exporter: () => signedCall(transport),
    'node-http': () => signedCall(nodeHttp),
    signing: () => Promise.resolve(signRequest('GetDataTrackJobDegree', params, credential, context)),
    http: () => transport.send(unsigned, options()),
    'http-node-http': () => nodeHttp.send(unsigned, options()),
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let round = 0; round <= rounds; round++) {
    for (const [name, call] of Object.entries(variants)) {
      const microsPerCall = await measure(call, calls, concurrency);
      if (round > 0) samples[name]?.push(microsPerCall); // round 0 warms up (JIT, sockets)
    }
  }
  child.kill();
  const sdk = median(samples.sdk ?? []);
  process.stdout.write(
    `CPU per call, ${calls} calls, ${concurrency} at a time, median of ${rounds} rounds\n`,
  );
  for (const [name, xs] of Object.entries(samples)) {
    const m = median(xs);
    process.stdout.write(
      `${name.padEnd(15)} ${m.toFixed(0).padStart(6)} us   ${(m / sdk).toFixed(2)} x sdk\n`,
    );
  }
}

/** Microseconds of this process's CPU (user + system) per call. */
async function measure(call: () => Promise<unknown>, calls: number, concurrency: number): Promise<number> {
  const before = process.cpuUsage();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls) {
      next += 1;
      await call();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}
