// What happens to the exporter besides scrapes: reloads by SIGHUP with a changed config, one at a
// time (the second of every four invalid, so it must keep the previous config), and secret
// rotations: new secret and STS token files, and the simulator told to accept only the new ones.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJson, type Program } from '../test/support/process.js';
import {
  configYaml,
  newKeys,
  replaceFile,
  scenarioYaml,
  writeSecretFiles,
  type ConfigVariant,
} from './fixtures.js';

export interface ChaosCounts {
  reloads: number;
  invalidReloads: number;
  rotations: number;
}

export interface Chaos {
  readonly counts: ChaosCounts;
  /** Sends nothing more, and resolves once the last reload sent has an outcome logged (bounded). */
  stop(): Promise<void>;
}

export interface ChaosTargets {
  readonly exporter: Program;
  readonly simulator: Program;
  /** Where the config, scenario, secret and token files live. */
  readonly dir: string;
  /** The simulator's host:port. */
  readonly endpoint: string;
}

export const CONFIG_FILE = 'config.yaml';

/** How many times `program` logged `msg` (its log lines are JSON). */
export function countLogged(program: Program, msg: string): number {
  return program.lines().filter((line) => parseJson(line)?.msg === msg).length;
}

/** The reloads the exporter has finished, as it logged them. */
export function reloadsLogged(exporter: Program): { applied: number; refused: number } {
  return {
    applied: countLogged(exporter, 'config reloaded'),
    refused: countLogged(exporter, 'config reload failed; keeping the previous configuration'),
  };
}
export const SCENARIO_FILE = 'scenario.yaml';

/** How long stopping waits for the outcome of a reload still running; a slower one goes uncounted. */
const LAST_RELOAD_WAIT_MS = 10_000;

export function variantOf(reload: number): ConfigVariant {
  // The second reload already invalid: a short run refuses one too.
  if (reload % 4 === 2) return 'broken';
  return reload % 2 === 1 ? 'shifted' : 'all';
}

export function startChaos(targets: ChaosTargets, every: { reloadMs: number; rotateMs: number }): Chaos {
  const counts: ChaosCounts = { reloads: 0, invalidReloads: 0, rotations: 0 };
  // A SIGHUP that arrives while a reload runs shares it, and the next write may replace the file
  // before it is read: on a busy machine no broken file would ever be loaded. So a reload is sent
  // only once the exporter has logged the outcome of the previous one; a tick before then is skipped.
  const reloading = (): boolean => {
    const { applied, refused } = reloadsLogged(targets.exporter);
    return applied + refused < counts.reloads;
  };
  const reload = (): void => {
    if (reloading()) return;
    counts.reloads += 1;
    const variant = variantOf(counts.reloads);
    if (variant === 'broken') counts.invalidReloads += 1;
    writeFileSync(join(targets.dir, CONFIG_FILE), configYaml(variant, targets.endpoint, targets.dir));
    targets.exporter.child.kill('SIGHUP');
  };
  const rotate = (): void => {
    counts.rotations += 1;
    const keys = newKeys();
    // The simulator first, then the files: calls in between fail, as they would with a real DMS.
    replaceFile(join(targets.dir, SCENARIO_FILE), scenarioYaml(keys));
    targets.simulator.child.kill('SIGHUP');
    writeSecretFiles(targets.dir, keys);
  };
  const timers = [setInterval(reload, every.reloadMs), setInterval(rotate, every.rotateMs)];
  return {
    counts,
    async stop() {
      timers.forEach(clearInterval);
      // Reloads take a second or more on a busy machine: the last one sent is counted too.
      const deadline = Date.now() + LAST_RELOAD_WAIT_MS;
      while (reloading() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    },
  };
}
