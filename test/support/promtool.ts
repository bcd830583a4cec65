import { spawnSync } from 'node:child_process';

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
export function runTool(tool: PrometheusTool, args: readonly string[], cwd?: string): ToolResult {
  const run = spawnSync(tool, args, { encoding: 'utf8', cwd, timeout: 20_000 });
  if (run.error) {
    throw new Error(
      `${tool} is not runnable (${run.error.message}): install the Debian package ${PACKAGES[tool]} ` +
        `(apt-get install --no-install-recommends prometheus prometheus-alertmanager, or scripts/ensure-debian-tools.sh)`,
    );
  }
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}
