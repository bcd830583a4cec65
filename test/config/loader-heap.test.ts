import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containerMemoryLimit, loaderHeapMb, maxOldSpaceSizeMb } from '../../src/config/loader-heap.js';

// The config loader's heap follows the container: its memory limit, less the heap the exporter may
// use and a reserve. The cgroup files are the kernel's; here they are written under a fake root.

const MIB = 1024 * 1024;
const roots = mkdtempSync(join(tmpdir(), 'dms-cgroup-'));
afterAll(() => rmSync(roots, { recursive: true, force: true }));

let count = 0;
/** A file system root holding `files` (path → content). */
function root(files: Record<string, string>): string {
  const dir = join(roots, String(++count));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('loaderHeapMb', () => {
  it('is the container limit less the exporter heap limit and 64 MiB, from 32 to 256 MiB', () => {
    expect(loaderHeapMb(448 * MIB, 259 * MIB)).toBe(125);
    expect(loaderHeapMb(384 * MIB, 259 * MIB)).toBe(61);
    expect(loaderHeapMb(256 * MIB, 259 * MIB)).toBe(32);
    expect(loaderHeapMb(8192 * MIB, 2048 * MIB)).toBe(256);
  });

  it('is 256 MiB without a container limit', () => {
    expect(loaderHeapMb(undefined, 4144 * MIB)).toBe(256);
  });
});

describe('containerMemoryLimit', () => {
  it('reads cgroup v2 memory.max, the lowest on the way to the root', () => {
    const limited = root({
      'proc/self/cgroup': '0::/kubepods/pod1/ctr\n',
      'sys/fs/cgroup/kubepods/pod1/ctr/memory.max': 'max\n',
      'sys/fs/cgroup/kubepods/pod1/memory.max': `${448 * MIB}\n`,
      'sys/fs/cgroup/kubepods/memory.max': `${4096 * MIB}\n`,
    });
    expect(containerMemoryLimit(limited)).toBe(448 * MIB);
  });

  it('reads cgroup v1 memory.limit_in_bytes, also when the container sees its own cgroup at the root', () => {
    const ownNamespace = root({
      'proc/self/cgroup': '12:pids:/x\n4:cpu,memory:/libpod_parent/libpod-1\n',
      'sys/fs/cgroup/memory/memory.limit_in_bytes': `${384 * MIB}\n`,
    });
    expect(containerMemoryLimit(ownNamespace)).toBe(384 * MIB);
  });

  it('finds none where there is no limit or no cgroup', () => {
    const unlimited = root({
      'proc/self/cgroup': '4:memory:/a\n0::/\n',
      'sys/fs/cgroup/memory/a/memory.limit_in_bytes': '9223372036854771712\n',
      'sys/fs/cgroup/memory.max': 'max\n',
    });
    expect(containerMemoryLimit(unlimited)).toBeUndefined();
    expect(containerMemoryLimit(root({}))).toBeUndefined();
  });
});

describe('maxOldSpaceSizeMb', () => {
  it('finds the V8 flag that overrides a worker heap, the last one given', () => {
    expect(maxOldSpaceSizeMb(['--max-old-space-size=160'])).toBe(160);
    expect(maxOldSpaceSizeMb(['--max_old_space_size=96', '--inspect', '--max-old-space-size=128'])).toBe(128);
    expect(maxOldSpaceSizeMb(['--max-semi-space-size=4', ''])).toBeUndefined();
  });
});
