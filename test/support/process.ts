import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export const EXPORTER_BIN = 'dist/main.js';

/** Environment for spawned exporters: the Alibaba credential chain must never probe the network or $HOME. */
export const ISOLATED_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
  ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true',
  HOME: '/nonexistent',
};

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built exporter to completion (for one-shot flags). */
export function runExporter(args: readonly string[], env: Record<string, string> = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EXPORTER_BIN, ...args], { env: { ...ISOLATED_ENV, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface Serving {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly logLines: () => string[];
  /** Sends SIGTERM and resolves with the exit code and how long the exit took. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

/** Starts the built exporter with `--log.format=json` on an ephemeral loopback port. */
export function serveExporter(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<Serving> {
  return serveProcess(
    [EXPORTER_BIN, '--web.listen-address=127.0.0.1:0', '--log.format=json', ...args],
    env,
    timeoutMs,
    {
      msg: 'serving metrics at /metrics',
      field: 'address',
    },
  );
}

/** Starts `dms-datatrack-exporter simulate` on an ephemeral port; `url` is `http://` + its endpoint. */
export function serveSimulator(scenarioFile: string, timeoutMs = 15_000): Promise<Serving> {
  return serveProcess(
    [EXPORTER_BIN, 'simulate', `--scenario=${scenarioFile}`, '--listen=127.0.0.1:0', '--log.format=json'],
    {},
    timeoutMs,
    { msg: 'DMS simulator listening', field: 'endpoint' },
  );
}

/** Spawns a server process and waits (bounded) for the JSON log line that says where it listens. */
export function serveProcess(
  argv: readonly string[],
  env: Record<string, string>,
  timeoutMs: number,
  ready: { msg: string; field: string },
): Promise<Serving> {
  const child = spawn(process.execPath, argv, { env: { ...ISOLATED_ENV, ...env } });
  const lines: string[] = [];
  let buffered = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${argv.join(' ')} did not start within ${timeoutMs} ms:\n${lines.join('\n')}${buffered}`),
      );
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(' ')} exited with ${code}:\n${lines.join('\n')}${buffered}`));
    });
    child.stderr.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const record = parseJson(line);
        const address = record?.[ready.field];
        if (record?.msg === ready.msg && typeof address === 'string') {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve({
            child,
            url: `http://${address}`,
            logLines: () => [...lines],
            stop: () => stopChild(child),
          });
        }
      }
    });
  });
}

function stopChild(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve({ code: child.exitCode, ms: 0 });
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, ms: Date.now() - started });
    });
    child.kill('SIGTERM');
  });
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
