import { spawnSync } from 'node:child_process';
import { cpus, release, totalmem, type } from 'node:os';
import type { Machine } from './results.js';

export function describeMachine(): Machine {
  const all = cpus();
  return {
    cpu_model: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    memory_mib: Math.round(totalmem() / 2 ** 20),
    os: `${type()} ${release()}`,
    node: process.version,
  };
}

/** The commit the exporter was built from, `-dirty` when src/ has uncommitted changes. */
export function describeRevision(): string {
  const git = (args: string[]): string | undefined => {
    const run = spawnSync('git', args, { encoding: 'utf8' });
    return run.status === 0 ? run.stdout.trim() : undefined;
  };
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head === undefined) return 'unknown';
  return git(['status', '--porcelain', '--', 'src']) === '' ? head : `${head}-dirty`;
}
