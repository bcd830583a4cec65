import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { readSmallFile } from 'yaml-files/basics';
import { DEFAULT_LOADER_HEAP_MB } from './limits.js';

// How much heap the worker thread that loads a config file may use. It shares the process's memory
// with the exporter's own heap, so in a container the two together must stay below the container's
// memory limit, or a reload of a large file gets the whole exporter killed by the kernel:
//
//   loader heap = container memory limit − the exporter's heap limit − NON_HEAP_RESERVE_MB,
//                 at most DEFAULT_LOADER_HEAP_MB, at least MIN_LOADER_HEAP_MB;
//   without a container limit: DEFAULT_LOADER_HEAP_MB;  --config.max-heap-mb=N: N.
//
// The exporter's heap limit is V8's: what it may grow to, not what it uses now. The loader heap is
// the worker's old generation; its young generation is LOADER_YOUNG_GENERATION_MB more.
//
// V8 applies --max-old-space-size (NODE_OPTIONS or the command line) to every thread it starts, over
// what a worker asks for: with that flag the loader's heap is the flag's value, whatever the rule or
// --config.max-heap-mb say. So the exporter's heap is left to Node, which sizes it from the container.

/** The least the rule gives: enough for a config of a few thousand orders. */
const MIN_LOADER_HEAP_MB = 32;
/**
 * Memory outside both heaps: the exporter's code, buffers and native allocations (its RSS is about
 * 50 MiB above its heap) and the worker's young generation and isolate (about 15 MiB).
 */
const NON_HEAP_RESERVE_MB = 64;
/** Smaller than V8's default for a thread (48 MiB): it costs a parse a little time, not memory. */
export const LOADER_YOUNG_GENERATION_MB = 8;
/** cgroup v1 writes "no limit" as a number near 2^63. */
const NO_LIMIT_BYTES = 2 ** 60;
const MIB = 1024 * 1024;

export interface LoaderHeap {
  readonly mb: number;
  /** Where the figure comes from, for the start-up log line and the out-of-memory message. */
  readonly from: 'flag' | 'container' | 'default' | 'max-old-space-size';
}

/** The rule: the loader heap in MiB from the container limit and the exporter's heap limit (bytes). */
export function loaderHeapMb(containerBytes: number | undefined, mainHeapBytes: number): number {
  if (containerBytes === undefined) return DEFAULT_LOADER_HEAP_MB;
  const left = Math.floor((containerBytes - mainHeapBytes) / MIB) - NON_HEAP_RESERVE_MB;
  return Math.min(DEFAULT_LOADER_HEAP_MB, Math.max(MIN_LOADER_HEAP_MB, left));
}

/**
 * The loader heap for this process now (a resized container is followed at the next load):
 * `flagMb` (--config.max-heap-mb) if given, else the rule; a V8 heap flag overrides both.
 */
export function currentLoaderHeap(flagMb: number | undefined): LoaderHeap {
  const v8Flag = maxOldSpaceSizeMb([...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]);
  if (v8Flag !== undefined) return { mb: v8Flag, from: 'max-old-space-size' };
  if (flagMb !== undefined) return { mb: flagMb, from: 'flag' };
  const container = containerMemoryLimit();
  const mb = loaderHeapMb(container, getHeapStatistics().heap_size_limit);
  return { mb, from: container === undefined ? 'default' : 'container' };
}

/** The value of V8's --max-old-space-size (or --max_old_space_size) among Node's options, if set. */
export function maxOldSpaceSizeMb(options: readonly string[]): number | undefined {
  const values = options.map((option) => /^--max[-_]old[-_]space[-_]size=(\d+)$/.exec(option)?.[1]);
  const last = values.filter((value) => value !== undefined).at(-1);
  return last === undefined ? undefined : Number(last);
}

/**
 * The memory limit of this process's cgroup in bytes, or undefined when there is none: the lowest
 * cgroup v2 `memory.max`, or cgroup v1 `memory.limit_in_bytes`, from the process's cgroup up to the
 * root. `root` is the file system root (tests give another).
 */
export function containerMemoryLimit(root = '/'): number | undefined {
  const membership = readText(join(root, 'proc/self/cgroup')) ?? '';
  const limits: number[] = [];
  for (const line of membership.split('\n')) {
    // `0::/path` is cgroup v2; `N:memory:/path` (or `N:cpu,memory:/path`) the v1 memory controller.
    const [, controllers = '', path = ''] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    const v2 = controllers === '';
    if (!v2 && !controllers.split(',').includes('memory')) continue;
    const dir = v2 ? 'sys/fs/cgroup' : 'sys/fs/cgroup/memory';
    const file = v2 ? 'memory.max' : 'memory.limit_in_bytes';
    for (const at of ancestors(path)) {
      const limit = parseLimit(readText(join(root, dir, at, file)));
      if (limit !== undefined) limits.push(limit);
    }
  }
  return limits.length === 0 ? undefined : Math.min(...limits);
}

/**
 * `/a/b` → `/a/b`, `/a`, `/`. Without a cgroup namespace a container sees its host's path here, and
 * its own cgroup mounted at the root.
 */
function ancestors(path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '');
  return parts.map((_, i) => `/${parts.slice(0, parts.length - i).join('/')}`).concat('/');
}

function parseLimit(text: string | undefined): number | undefined {
  const value = text === undefined || !/^\d+$/.test(text.trim()) ? NaN : Number(text.trim());
  return Number.isFinite(value) && value < NO_LIMIT_BYTES ? value : undefined;
}

/** A kernel file of a few bytes (or lines); missing where there is no cgroup of that version. */
function readText(path: string): string | undefined {
  const bytes = readSmallFile(path, 64 * 1024);
  return bytes.ok ? bytes.value.toString('utf8') : undefined;
}
