import { spawnSync } from 'node:child_process';
import { LEAN_GO_ENV } from './process.js';

/** Which Debian package ships each binary, for the "not installed" message. */
const PACKAGES = { promtool: 'prometheus', amtool: 'prometheus-alertmanager' } as const;

export type PrometheusTool = keyof typeof PACKAGES;

export interface ToolResult {
  readonly status: number;
  /** stdout and stderr together: promtool reports some failures on one, some on the other. */
  readonly output: string;
}

/**
 * Runs promtool or amtool to completion. A missing binary throws (the test fails, never skips):
 * these checks are the only proof the rules and configs load in the real programs.
 */
export function runTool(
  tool: PrometheusTool,
  args: readonly string[],
  cwd?: string,
  input?: string,
): ToolResult {
  // `promtool test rules` over the project's tests took about 2.4 s of CPU with Go's defaults, 2.0 s
  // with these.
  const env = { ...process.env, ...LEAN_GO_ENV };
  const run = spawnSync(tool, args, { encoding: 'utf8', cwd, env, input, timeout: 20_000 });
  if (run.error) {
    throw new Error(
      `${tool} is not runnable (${run.error.message}): install the Debian package ${PACKAGES[tool]} ` +
        `(apt-get install --no-install-recommends prometheus prometheus-alertmanager, or scripts/ensure-debian-tools.sh)`,
    );
  }
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

/** prom-client's default metrics always trip these three lint rules; nothing else may appear. */
const ALLOWED_METRICS_LINT = [
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
];

/**
 * `promtool check metrics` on exposition text: its exit status (0 clean, 3 lint problems, 1 parse
 * error) and every problem line except the three prom-client ones.
 */
export function lintMetrics(text: string): { status: number; problems: string[] } {
  const { status, output } = runTool('promtool', ['check', 'metrics'], undefined, text);
  const problems = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !ALLOWED_METRICS_LINT.includes(line));
  return { status, problems };
}
