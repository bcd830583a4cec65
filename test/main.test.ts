import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from 'dms-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertDir } from './support/certs.js';
import {
  EXPORTER_BIN,
  ISOLATED_ENV,
  parseJson,
  runExporter,
  serveExporter,
  serveSimulator,
  startProgram,
  type Serving,
} from './support/process.js';
import { waitFor } from './support/services.js';
import { sampleValue, scenarioFromYaml, scenarioYaml } from './support/stack.js';
import { call } from './support/web.js';

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dms-exporter-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** Puts a named pipe (with no writer) where `file` was. */
function replaceWithPipe(file: string): void {
  rmSync(file);
  execFileSync('mkfifo', [file]);
}

/** The `nth` JSON log line (from 1) with message `msg`, as it comes (bounded wait). */
function nthLogged(program: Serving, msg: string, nth: number): Promise<Record<string, unknown>> {
  let seen = 0;
  return program.waitForLine((line) => {
    const record = parseJson(line);
    if (record?.msg !== msg) return undefined;
    seen += 1;
    return seen === nth ? record : undefined;
  }, 20_000);
}

/** `simulate` as its own process, accepting one key, with the given scenario orders. */
async function simulatorProcess(
  key: { id: string; secret: string },
  orders: string,
): Promise<{ simulator: Serving; endpoint: string }> {
  const scenario = await tempFile('scenario.yaml', scenarioYaml(orders, { keys: [key] }));
  const simulator = await serveSimulator(scenario);
  return { simulator, endpoint: simulator.url.replace('http://', '') };
}

describe('command line (the built dist/main.js)', () => {
  it('--config.check says OK and exits 0 for the shipped config.yaml', async () => {
    const result = await runExporter(['--config.check', '--config.file=config.yaml']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^config\.yaml: OK \(\d+ orders, \d+ profiles\)\n$/);
    expect(result.code).toBe(0);
  });

  it('--config.check prints file, line, key and reason and exits 1 for a bad config', async () => {
    const path = await tempFile('bad.yaml', 'orders:\n  - id: 1\n  - id: -4\n');
    const result = await runExporter(['--config.check', `--config.file=${path}`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^${path}:3: orders\\[1\\]\\.id: `));
  });

  it('refuses to start on a bad config, naming the problem, and exits 1', async () => {
    const path = await tempFile('bad.yaml', 'scrape:\n  timeout: 10 sec\n');
    const result = await runExporter([`--config.file=${path}`, '--web.listen-address=127.0.0.1:0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path}:2: scrape.timeout: invalid duration "10 sec"`);
  });

  it('rejects an unknown flag with the usage text and exit code 2', async () => {
    const result = await runExporter(['--web.listen=:1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: Unknown option '--web.listen'");
    expect(result.stderr).toContain('Usage: dms-datatrack-exporter [flags]');
  });

  it('prints its version', async () => {
    const result = await runExporter(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dms-datatrack-exporter \d+\.\d+\.\d+ \(revision \S+, node v\d+/);
  });

  it('--demo serves live metrics from the built-in simulator and stops promptly on SIGTERM', async () => {
    const exporter = await serveExporter(['--demo']);
    try {
      // The demo finds its tickets by discovery, which runs as the exporter starts.
      const text = await waitFor(
        'the demo tickets to be discovered',
        async () => {
          const body = await (await fetch(`${exporter.url}/metrics`)).text();
          return sampleValue(body, 'aliyun_dms_datatrack_discovered_orders{profile="default"}') === 12
            ? body
            : undefined;
        },
        10_000,
      );
      const ups = text.split('\n').filter((l) => l.startsWith('aliyun_dms_datatrack_up{'));
      expect(ups.length).toBeGreaterThanOrEqual(5);
      const states = new Set(
        text
          .split('\n')
          .filter((l) => l.startsWith('aliyun_dms_datatrack_job_status{') && l.endsWith(' 1'))
          .map((l) => /status="([A-Z_]+)"/.exec(l)?.[1]),
      );
      expect(states.size).toBeGreaterThanOrEqual(6);
      expect(states).toContain('DOWNLOAD_FAIL');
      expect(sampleValue(text, 'aliyun_dms_datatrack_config_last_reload_successful')).toBe(1);
    } finally {
      expect((await exporter.stop()).code).toBe(0);
    }
  });
});

describe('a listen address that is taken (the built dist/main.js)', () => {
  it.each([
    { run: '--demo', args: ['--demo'] },
    { run: 'a config file', args: ['--config.file=config.yaml'] },
  ])('exits 1 at once, saying why, with $run', async ({ args }) => {
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const exporter = startProgram(
        'exporter',
        process.execPath,
        [EXPORTER_BIN, ...args, `--web.listen-address=127.0.0.1:${port}`, '--log.format=json'],
        ISOLATED_ENV,
      );
      const outcome = await Promise.race([
        new Promise<number | null>((resolve) => exporter.child.once('exit', resolve)),
        new Promise<string>((resolve) => setTimeout(() => resolve('still running after 5 s'), 5_000)),
      ]);
      await exporter.stop();
      expect(outcome).toBe(1);
      expect(exporter.output()).toContain(
        `cannot serve metrics: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`,
      );
    } finally {
      taken.close();
    }
  });
});

describe('exporter and simulator as two processes (a wrong secret for one profile)', () => {
  it('shows each order correctly, and up 0 plus an error count for the bad profile, without crashing', async () => {
    const { simulator, endpoint } = await simulatorProcess(
      { id: 'LTAIprocKeyId01', secret: 'proc-secret-7Yt' },
      `  - { id: 11, list: 1h, download: 1h, filter: 1h }
  - { id: 12, list: 1s, pause: 0s, download: 1s, filter: 1s }
  - { id: 13, list: 1h, download: 1h, filter: 1h }
`,
    );
    try {
      const config = await tempFile(
        'config.yaml',
        `profiles:
  default: { endpoint: '${endpoint}', protocol: http, access_key_id: LTAIprocKeyId01, access_key_secret: proc-secret-7Yt }
  legacy: { endpoint: '${endpoint}', protocol: http, signature_algorithm: HMAC-SHA1, access_key_id: LTAIprocKeyId01, access_key_secret: proc-secret-7Yt }
  broken: { endpoint: '${endpoint}', protocol: http, access_key_id: LTAIprocKeyId01, access_key_secret: '\${BROKEN_SECRET}' }
scrape: { min_interval: 0s }
orders:
  - { id: 11, name: listing }
  - { id: 12, name: done, profile: legacy }
  - { id: 13, name: wrong-key, profile: broken }
`,
      );
      const exporter = await serveExporter([`--config.file=${config}`], {
        BROKEN_SECRET: 'definitely-wrong',
      });
      try {
        let scrapes = 0;
        const scrape = async () => {
          scrapes += 1;
          const response = await fetch(`${exporter.url}/metrics`);
          return { status: response.status, text: await response.text() };
        };
        const reused = (t: string) =>
          sampleValue(t, 'aliyun_dms_datatrack_answers_reused_total{reason="terminal_cache"}');
        // Order 12 finishes after 3 s of simulator time: poll (bounded) until it has.
        const finished = await waitFor(
          'order 12 to finish',
          async () => {
            const { text } = await scrape();
            const done = sampleValue(
              text,
              'aliyun_dms_datatrack_job_status{order_id="12",status="FILTER_SUCCESS"}',
            );
            return done === 1 ? text : undefined;
          },
          10_000,
        );
        for (let i = 0; i < 3; i++) await scrape();
        const { status, text } = await scrape();
        expect(status).toBe(200);
        expect(sampleValue(text, 'aliyun_dms_datatrack_up{order_id="11"}')).toBe(1);
        expect(sampleValue(text, 'aliyun_dms_datatrack_job_status{order_id="11",status="LISTING"}')).toBe(1);
        expect(sampleValue(text, 'aliyun_dms_datatrack_up{order_id="12"}')).toBe(1);
        expect(
          sampleValue(text, 'aliyun_dms_datatrack_job_status{order_id="12",status="FILTER_SUCCESS"}'),
        ).toBe(1);
        expect(sampleValue(text, 'aliyun_dms_datatrack_up{order_id="13"}')).toBe(0);
        expect(
          sampleValue(
            text,
            'aliyun_dms_datatrack_order_error_info{order_id="13",code="SignatureDoesNotMatch"}',
          ),
        ).toBe(1);
        expect(
          sampleValue(
            text,
            'aliyun_dms_datatrack_api_request_errors_total{action="GetDataTrackJobDegree",code="SignatureDoesNotMatch"}',
          ),
        ).toBe(scrapes);
        // Once finished, the job was served from memory: four scrapes, no calls for it.
        expect((reused(text) ?? 0) - (reused(finished) ?? 0)).toBe(4);
        const logs = exporter.lines().join('\n');
        expect(logs).toContain('"code":"SignatureDoesNotMatch"');
        expect(`${text}${logs}${simulator.lines().join('\n')}`).not.toMatch(
          /definitely-wrong|proc-secret-7Yt/,
        );
      } finally {
        expect((await exporter.stop()).code).toBe(0);
      }
    } finally {
      await simulator.stop();
    }
  });
});

describe('reload on SIGHUP (the built dist/main.js)', () => {
  // One exporter for the cases below: each case after the first reloads a config of its own before it
  // starts, so none depends on what the one before left, and a reload costs a fraction of the CPU of
  // starting the exporter again. The simulator runs in this process: what is tested is the exporter.
  const key = { id: 'LTAIreloadKey01', secret: 'reload-secret-3Pw' };
  let simulator: RunningSimulator;
  let exporter: Serving;
  let path = '';
  const config = (orders: string) => `profiles:
  default: { endpoint: '${simulator.endpoint}', protocol: http, access_key_id: ${key.id}, access_key_secret: ${key.secret} }
orders:
${orders}`;
  const logged = (msg: string) => exporter.lines().filter((line) => parseJson(line)?.msg === msg).length;
  /** Writes `text` as the config file, sends SIGHUP and waits for the exporter to log that it applied it. */
  const reloadTo = async (text: string): Promise<void> => {
    const before = logged('config reloaded');
    await writeFile(path, text);
    exporter.child.kill('SIGHUP');
    await nthLogged(exporter, 'config reloaded', before + 1);
  };

  beforeAll(async () => {
    simulator = await startSimulator({
      scenario: scenarioFromYaml(
        scenarioYaml(
          [21, 22, 31, 41].map((id) => `  - { id: ${id}, list: 1h, download: 1h, filter: 1h }`),
          { keys: [key] },
        ),
      ),
    });
    path = await tempFile('config.yaml', config('  - id: 21\n  - id: 22\n'));
    exporter = await serveExporter([`--config.file=${path}`]);
  });
  afterAll(async () => {
    expect((await exporter.stop()).code).toBe(0);
    await simulator.close();
  });

  it('applies a good config, and keeps the old one when the new one is bad', async () => {
    const metrics = async () => (await fetch(`${exporter.url}/metrics`)).text();
    const reloadOk = (text: string) =>
      sampleValue(text, 'aliyun_dms_datatrack_config_last_reload_successful');
    expect(await metrics()).toContain('aliyun_dms_datatrack_up{order_id="22"} 1');

    await writeFile(path, config('  - id: 21\n'));
    exporter.child.kill('SIGHUP');
    const afterGood = await waitFor(
      'the good reload to drop order 22',
      async () => {
        const text = await metrics();
        return text.includes('order_id="22"') ? undefined : text;
      },
      5_000,
    );
    expect(reloadOk(afterGood)).toBe(1);

    await writeFile(path, config('  - id: 21\n  - id: 21\n'));
    exporter.child.kill('SIGHUP');
    const afterBad = await waitFor(
      'the bad reload to be reported',
      async () => {
        const text = await metrics();
        return reloadOk(text) === 0 ? text : undefined;
      },
      5_000,
    );
    expect(afterBad).toContain('aliyun_dms_datatrack_up{order_id="21"} 1');
    expect(exporter.lines().join('\n')).toContain('orders[1].id: duplicate order id 21, first at orders[0]');
  });

  it('keeps answering and keeps the old config through reloads of a 50 MB file and of 20,000 orders', async () => {
    const good = config('  - id: 31\n');
    await reloadTo(good);
    const scrape = async () => {
      const response = await fetch(`${exporter.url}/metrics`);
      return { status: response.status, text: await response.text() };
    };
    const orderLines = (count: number) =>
      Array.from({ length: count }, (_, i) => `  - { id: ${i + 1}, name: order-number-${i + 1} }`).join('\n');
    // Refused by its size before it is read, so what it holds does not matter: one line repeated.
    const fiftyMegabytes = config('  - { id: 1, name: order-number-1 }\n'.repeat(1_500_000));
    for (const [label, text, reason] of [
      ['50 MB', fiftyMegabytes, 'config file is larger than the limit of 4 MiB'],
      ['20,000 orders', config(orderLines(20_000)), 'has 20000 orders, more than the limit of 10000'],
    ] as const) {
      await writeFile(path, text);
      exporter.child.kill('SIGHUP');
      const statuses: number[] = [];
      const refused = await waitFor(
        `the ${label} reload to be refused`,
        async () => {
          const { status, text: body } = await scrape();
          statuses.push(status);
          return sampleValue(body, 'aliyun_dms_datatrack_config_last_reload_successful') === 0
            ? body
            : undefined;
        },
        20_000,
      );
      expect(
        statuses.every((s) => s === 200),
        `${label}: ${statuses.join(',')}`,
      ).toBe(true);
      expect(refused).toContain('aliyun_dms_datatrack_up{order_id="31"} 1');
      expect(exporter.lines().join('\n')).toContain(reason);
      // Back to a good file, so the next case sees its own refusal.
      await writeFile(path, good);
      exporter.child.kill('SIGHUP');
      await waitFor(
        'the good reload',
        async () =>
          sampleValue((await scrape()).text, 'aliyun_dms_datatrack_config_last_reload_successful') === 1
            ? true
            : undefined,
        10_000,
      );
    }
  }, 60_000);

  it('keeps scraping, and finishes a SIGHUP, when a secret file or the config file becomes a named pipe', async () => {
    const secret = join(path, '..', 'ak_secret');
    writeFileSync(secret, `${key.secret}\n`);
    await reloadTo(`profiles:
  default: { endpoint: '${simulator.endpoint}', protocol: http, access_key_id: ${key.id}, access_key_secret_file: ak_secret }
scrape: { min_interval: 0s }
orders:
  - id: 41
`);
    const metrics = async (): Promise<string> => {
      const response = await fetch(`${exporter.url}/metrics`, {
        headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '10' },
      });
      expect(response.status).toBe(200);
      return response.text();
    };
    const calls = (text: string) =>
      sampleValue(text, 'aliyun_dms_datatrack_api_requests_total{action="GetDataTrackJobDegree"}') ?? 0;
    const refusal = 'config reload failed; keeping the previous configuration';
    const refusedBefore = logged(refusal);
    const refusedReload = async (nth: number) =>
      (await nthLogged(exporter, refusal, refusedBefore + nth)).errors;
    const first = await metrics();
    expect(sampleValue(first, 'aliyun_dms_datatrack_up{order_id="41"}')).toBe(1);

    // An open() that waited for the pipe's writer would hold the call (and a thread) for ever:
    // the scrape would end at its deadline without asking DMS.
    replaceWithPipe(secret);
    const piped = await metrics();
    expect(sampleValue(piped, 'aliyun_dms_datatrack_up{order_id="41"}')).toBe(1);
    expect(calls(piped)).toBe(calls(first) + 1);
    const warned = await nthLogged(
      exporter,
      'secret file unreadable; using the value read before until it can be read again',
      1,
    );
    expect(warned).toMatchObject({ path: secret, reason: 'is a named pipe (FIFO), not a regular file' });

    exporter.child.kill('SIGHUP');
    expect(await refusedReload(1)).toEqual([
      `${path}:2: profiles.default.access_key_secret_file: cannot read "ak_secret": is a named pipe (FIFO), not a regular file`,
    ]);

    replaceWithPipe(path);
    exporter.child.kill('SIGHUP');
    expect(await refusedReload(2)).toEqual([
      `${path}: cannot read config file: is a named pipe (FIFO), not a regular file`,
    ]);
    const last = await metrics();
    expect(sampleValue(last, 'aliyun_dms_datatrack_up{order_id="41"}')).toBe(1);
    expect(sampleValue(last, 'aliyun_dms_datatrack_config_last_reload_successful')).toBe(0);
  });
});

describe('web configuration (the built dist/main.js)', () => {
  const certs = makeCertDir();
  certs.makeCa('ca');
  certs.makeLeaf('server', 'ca', 'DNS:localhost,IP:127.0.0.1');
  afterAll(() => certs.remove());
  const webFile = (text: string): string => {
    writeFileSync(certs.path('web.yml'), text);
    return certs.path('web.yml');
  };
  // alice-password, bcrypt cost 4 (test/fixtures/web).
  const GOOD = `tls_server_config:
  cert_file: server.crt
  key_file: server.key
basic_auth_users:
  alice: '$2y$04$mEAp0wdZP/4CbJb4pkp/yOl0/Uq2bK7rafbLruX3cJPc9j6Uqu4oa'
`;

  it('refuses to start on a bad web config file, naming file, line and key, and exits 1', async () => {
    const path = webFile('tls_server_config:\n  cert_file: server.crt\n');
    const result = await runExporter([
      '--demo',
      `--web.config.file=${path}`,
      '--web.listen-address=127.0.0.1:0',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${path}:2: tls_server_config.cert_file: needs key_file\n`);
  });

  it('--config.check checks the web config file too', async () => {
    const good = await runExporter([
      '--config.check',
      '--config.file=config.yaml',
      `--web.config.file=${webFile(GOOD)}`,
    ]);
    expect(good.stderr).toBe('');
    expect(good.stdout).toMatch(
      new RegExp(
        `^config\\.yaml: OK \\(.*\\)\\n${certs.path('web.yml')}: OK \\(TLS \\(client certificates: NoClientCert\\), 1 basic auth user, 0 extra headers\\)\\n$`,
      ),
    );
    const bad = await runExporter([
      '--config.check',
      '--config.file=config.yaml',
      `--web.config.file=${webFile('foo: 1\n')}`,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${certs.path('web.yml')}:1: unknown key "foo"`);
  });

  describe('one exporter serving TLS and basic auth, without --web.enable-lifecycle', () => {
    // The two cases below share the exporter, a start costing more CPU than both: the first only
    // reads, the second then turns its files into pipes.
    const path = certs.path('piped-web.yml');
    let exporter: Serving;
    let url = '';
    const ca = (): Buffer => readFileSync(certs.path('ca.crt'));
    beforeAll(async () => {
      copyFileSync(certs.path('server.crt'), certs.path('piped.crt'));
      writeFileSync(path, GOOD.replace('cert_file: server.crt', 'cert_file: piped.crt'));
      exporter = await serveExporter(['--demo', `--web.config.file=${path}`]);
      url = exporter.url.replace('http://127.0.0.1', 'https://localhost');
    });
    afterAll(async () => {
      expect((await exporter.stop()).code).toBe(0);
      expect(exporter.output()).not.toContain('alice-password');
    });

    it('serves TLS with basic auth, and refuses POST /-/reload', async () => {
      expect((await call(url, '/metrics', { ca: ca() })).status).toBe(401);
      const metrics = await call(url, '/metrics', { ca: ca(), auth: 'alice:alice-password' });
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('aliyun_dms_datatrack_exporter_build_info{');
      const reload = await call(url, '/-/reload', { ca: ca(), auth: 'alice:alice-password', method: 'POST' });
      expect(reload.status).toBe(403);
    });

    it('keeps serving with what it had when the web config file or a certificate becomes a named pipe', async () => {
      const refusedReload = async (nth: number) =>
        (await nthLogged(exporter, 'web config reload failed; keeping the previous one', nth)).errors;
      expect((await call(url, '/metrics', { ca: ca(), auth: 'alice:alice-password' })).status).toBe(200);
      // The files are read again on the event loop when they change: an open() that waited for the
      // pipe's writer would stop the whole server.
      replaceWithPipe(certs.path('piped.crt'));
      expect((await call(url, '/metrics', { ca: ca(), auth: 'alice:alice-password' })).status).toBe(200);
      expect(await refusedReload(1)).toEqual([
        `${path}:2: tls_server_config.cert_file: cannot read "piped.crt": is a named pipe (FIFO), not a regular file`,
      ]);
      replaceWithPipe(path);
      expect((await call(url, '/metrics', { ca: ca(), auth: 'alice:alice-password' })).status).toBe(200);
      expect(await refusedReload(2)).toEqual([
        `${path}: cannot read web config file: is a named pipe (FIFO), not a regular file`,
      ]);
    });
  });

  it('serves TLS with basic auth and answers POST /-/reload with --web.enable-lifecycle', async () => {
    const path = webFile(GOOD);
    const ca = readFileSync(certs.path('ca.crt'));
    const exporter = await serveExporter(['--demo', `--web.config.file=${path}`, '--web.enable-lifecycle']);
    try {
      const url = exporter.url.replace('http://127.0.0.1', 'https://localhost');
      expect((await call(url, '/metrics', { ca })).status).toBe(401);
      const metrics = await call(url, '/metrics', { ca, auth: 'alice:alice-password' });
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('aliyun_dms_datatrack_exporter_build_info{');
      const reload = await call(url, '/-/reload', { ca, auth: 'alice:alice-password', method: 'POST' });
      expect(reload.status).toBe(200);
    } finally {
      expect((await exporter.stop()).code).toBe(0);
    }
    expect(exporter.output()).not.toContain('alice-password');
  });
});
