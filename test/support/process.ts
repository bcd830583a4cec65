import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './services.js';

// The one way tests run programs: the built exporter and simulator, Prometheus, Alertmanager.

export const EXPORTER_BIN = 'dist/main.js';

/** Environment for spawned exporters: the Alibaba credential chain must never probe the network or $HOME. */
export const ISOLATED_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
  ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true',
  HOME: '/nonexistent',
};

/**
 * Go's runtime settings for the Go programs tests run (Prometheus, Alertmanager, promtool, amtool):
 * one thread and a lazier collector give the same verdicts for less CPU (the Prometheus and two
 * Alertmanagers of test/e2e/prometheus-loop.test.ts took 0.5-1.0 s less over its 25 s).
 */
export const LEAN_GO_ENV: Readonly<Record<string, string>> = { GOMAXPROCS: '1', GOGC: '200' };

/** Starts a long-running Go program (Prometheus, Alertmanager) in this environment plus LEAN_GO_ENV. */
export function startGoProgram(name: string, command: string, args: readonly string[]): Program {
  return startProgram(name, command, args, { ...(process.env as Record<string, string>), ...LEAN_GO_ENV });
}

/**
 * Starts a Go server (Prometheus, Alertmanager) on a free loopback port, `argsFor(port)` its
 * arguments, and resolves once it listens there: both log `msg="Listening on"` with the address
 * only after the bind. A port found free can be taken before the server binds it (by the next
 * server a test starts, or by another test file's), so a server that could not bind it is started
 * again on another.
 */
export async function startGoServer(
  name: string,
  command: string,
  argsFor: (port: number) => readonly string[],
): Promise<{ program: Program; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const program = startGoProgram(name, command, argsFor(port));
    const address = `address=127.0.0.1:${port}`;
    const listening = await program
      .waitForLine(
        (line) => (line.includes('msg="Listening on"') && line.includes(address) ? true : undefined),
        30_000,
      )
      .catch((error: unknown) => error);
    if (listening === true) return { program, port };
    await program.stop();
    if (attempt === 3 || !program.output().includes('address already in use'))
      throw new Error(
        `${name} did not listen on 127.0.0.1:${port}: ${String(listening)}\n${program.output().slice(-2000)}`,
      );
  }
}

export interface Program {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Complete stderr lines so far (the exporter logs there). */
  lines(): string[];
  /** Resolves with the first stderr line `match` accepts; rejects when the program exits or after `timeoutMs`. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T>;
  /** Sends SIGTERM (SIGKILL after 10 s) and resolves with the exit code and how long the exit took. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

/** Starts a long-running program; `env` replaces the environment when given. */
export function startProgram(
  name: string,
  command: string,
  args: readonly string[],
  env?: Record<string, string>,
): Program {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
  let output = '';
  let partial = '';
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const notify of listeners) notify();
  });
  child.on('error', (error) => (output += `\nspawn error: ${error.message}`));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    output: () => output,
    lines: () => [...lines],
    waitForLine(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = (): void => {
          for (; seen < lines.length; seen++) {
            const found = match(lines[seen] ?? '');
            if (found !== undefined) return finish(() => resolve(found));
          }
        };
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        const timer = setTimeout(
          () =>
            finish(() => reject(new Error(`${name}: no expected line within ${timeoutMs} ms:\n${output}`))),
          timeoutMs,
        );
        listeners.add(check);
        void exited.then((code) =>
          finish(() => reject(new Error(`${name} exited with ${code}:\n${output}`))),
        );
        check();
      });
    },
    stop() {
      const started = Date.now();
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null)
          return resolve({ code: child.exitCode, ms: 0 });
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', (code) => {
          clearTimeout(killer);
          resolve({ code, ms: Date.now() - started });
        });
        child.kill('SIGTERM');
      });
    },
  };
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built exporter to completion (for one-shot flags). */
export function runExporter(args: readonly string[], env: Record<string, string> = {}): Promise<Finished> {
  return runNode([EXPORTER_BIN, ...args], env);
}

/** Runs `node ARGV` to completion in the isolated environment, keeping what it printed. */
export function runNode(argv: readonly string[], env: Record<string, string> = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env: { ...ISOLATED_ENV, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A server program that said where it listens. */
export interface Serving extends Program {
  /** `http://HOST:PORT` */
  readonly url: string;
}

/** The JSON log line a server writes once it listens, and the field that holds its address. */
export interface ReadyLine {
  readonly msg: string;
  readonly field: string;
}

export const EXPORTER_READY: ReadyLine = { msg: 'serving metrics at /metrics', field: 'address' };

/** Starts the built exporter with `--log.format=json` on an ephemeral loopback port. */
export function serveExporter(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<Serving> {
  const argv = [EXPORTER_BIN, '--web.listen-address=127.0.0.1:0', '--log.format=json', ...args];
  return serveProcess('exporter', argv, env, EXPORTER_READY, timeoutMs);
}

/** Starts `dms-datatrack-exporter simulate` on an ephemeral port; `url` is `http://` + its endpoint. */
export function serveSimulator(scenarioFile: string, timeoutMs = 15_000): Promise<Serving> {
  const argv = [
    EXPORTER_BIN,
    'simulate',
    `--scenario=${scenarioFile}`,
    '--listen=127.0.0.1:0',
    '--log.format=json',
  ];
  const ready = { msg: 'DMS simulator listening', field: 'endpoint' };
  return serveProcess('simulator', argv, {}, ready, timeoutMs);
}

/** Runs `node ARGV...` and waits (bounded) for the JSON log line that says where it listens. */
export async function serveProcess(
  name: string,
  argv: readonly string[],
  env: Record<string, string>,
  ready: ReadyLine,
  timeoutMs = 15_000,
): Promise<Serving> {
  const program = startProgram(name, process.execPath, argv, { ...ISOLATED_ENV, ...env });
  try {
    const address = await program.waitForLine((line) => {
      const record = parseJson(line);
      const value = record?.[ready.field];
      return record?.msg === ready.msg && typeof value === 'string' ? value : undefined;
    }, timeoutMs);
    return { ...program, url: `http://${address}` };
  } catch (error) {
    await program.stop();
    throw error;
  }
}

export function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
