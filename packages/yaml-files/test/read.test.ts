import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBoundedText, readSmallFile, readSmallFileAsync } from '../src/index.js';

// Every file the programs are told about is read here. A path that names something other than a
// regular file is refused by what it is, and a named pipe with no writer is refused at once: opening
// one the ordinary way waits (a whole thread) until a writer comes, which may be never.

const dir = mkdtempSync(join(tmpdir(), 'yaml-files-read-'));
const path = (name: string): string => join(dir, name);
let socketServer: Server;

beforeAll(async () => {
  writeFileSync(path('regular'), 'twelve bytes');
  execFileSync('mkfifo', [path('fifo')]);
  mkdirSync(path('directory'));
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer.listen(path('socket'), resolve));
});
afterAll(async () => {
  await new Promise((resolve) => socketServer.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const NOT_REGULAR = [
  ['fifo', 'is a named pipe (FIFO), not a regular file'],
  ['directory', 'is a directory, not a regular file'],
  ['socket', 'is a socket, not a regular file'],
  ['/dev/null', 'is a character device, not a regular file'],
] as const;
const at = (name: string): string => (name.startsWith('/') ? name : path(name));

/**
 * readSmallFile in a process of its own, for the named pipe: a synchronous open that waited for a
 * writer would hang whatever ran it for ever, and only a process can be stopped then (after 20 s).
 */
function readSmallFileInAnotherProcess(file: string): unknown {
  // read.ts alone: the package's entry would have tsx compile the YAML parser and zod as well.
  const entry = new URL('../src/read.ts', import.meta.url).href;
  const code = `const { readSmallFile } = await import(${JSON.stringify(entry)});
    process.stdout.write(JSON.stringify(readSmallFile(${JSON.stringify(file)}, 1024)));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.signal !== null) return `stopped by ${run.signal}: the read did not finish`;
  return JSON.parse(run.stdout) as unknown;
}

describe('readSmallFile and readSmallFileAsync', () => {
  it('read a regular file, refusing one over the limit', async () => {
    expect(readSmallFile(path('regular'), 12)).toEqual({ ok: true, value: Buffer.from('twelve bytes') });
    expect(readSmallFile(path('regular'), 11)).toEqual({ ok: false, error: 'larger than 11 bytes' });
    expect(await readSmallFileAsync(path('regular'), 12)).toEqual({
      ok: true,
      value: Buffer.from('twelve bytes'),
    });
    expect(await readSmallFileAsync(path('regular'), 11)).toEqual({
      ok: false,
      error: 'larger than 11 bytes',
    });
    expect(readSmallFile(path('missing'), 10)).toEqual({ ok: false, error: 'no such file' });
  });

  it.each(NOT_REGULAR)('refuse %s by what it is', async (name, reason) => {
    const sync = name === 'fifo' ? readSmallFileInAnotherProcess(at(name)) : readSmallFile(at(name), 1024);
    expect(sync).toEqual({ ok: false, error: reason });
    expect(await readSmallFileAsync(at(name), 1024)).toEqual({ ok: false, error: reason });
  });

  it('refuse named pipes without taking a thread: more at once than libuv has threads, then a file', async () => {
    // libuv has 4 threads for file system calls; an open that waited for a writer would hold one
    // each, and the regular file's read after them would never run.
    const pipes = Array.from({ length: 8 }, () => readSmallFileAsync(path('fifo'), 1024));
    const regular = readSmallFileAsync(path('regular'), 1024);
    expect(await Promise.all(pipes)).toEqual(
      Array(8).fill({ ok: false, error: 'is a named pipe (FIFO), not a regular file' }),
    );
    expect((await regular).ok).toBe(true);
  });
});

describe('readBoundedText', () => {
  it('names the file and what it is when it is not a regular file', async () => {
    expect(await readBoundedText(path('fifo'), 1024, 'config file')).toEqual({
      ok: false,
      error: `${path('fifo')}: cannot read config file: is a named pipe (FIFO), not a regular file`,
    });
    expect(await readBoundedText(path('directory'), 1024, 'config file')).toEqual({
      ok: false,
      error: `${path('directory')}: cannot read config file: is a directory, not a regular file`,
    });
  });
});
