import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { err, ok, type Result } from './result.js';

// The one way the programs read a file they were told about (configs, secrets, certificates): at most
// `limit + 1` bytes, and only from a regular file. A path may name a named pipe, a device or a socket
// (by mistake, or swapped in by someone else); reading one can block a thread for ever or never end.
// So the file is opened without waiting (O_NONBLOCK: a pipe with no writer opens at once instead of
// holding a thread until one appears), and the descriptor itself, not the path, is checked before a
// byte is read: a stat of the path before the open would leave a moment in which a pipe can be swapped
// in. O_NOCTTY keeps a terminal device from becoming the process's controlling terminal.
// (Windows has neither flag; there the numbers are 0 and only the check on the descriptor applies.)
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
const CHUNK_BYTES = 64 * 1024;

/** Thrown (and caught here) when the path names something other than a regular file. */
class NotRegularFile extends Error {}

/** What the path is, when it is not a regular file: "is a named pipe (FIFO), not a regular file". */
function notRegularFile(stats: Stats): NotRegularFile | undefined {
  if (stats.isFile()) return undefined;
  const kind = stats.isFIFO()
    ? 'a named pipe (FIFO)'
    : stats.isDirectory()
      ? 'a directory'
      : stats.isCharacterDevice()
        ? 'a character device'
        : stats.isBlockDevice()
          ? 'a block device'
          : stats.isSocket()
            ? 'a socket'
            : 'something else';
  return new NotRegularFile(`is ${kind}, not a regular file`);
}

/**
 * Reads at most `limit + 1` bytes of a regular file, synchronously; an error is a short reason without
 * the path (the caller names it): "no such file", "is a named pipe (FIFO), not a regular file"...
 * Synchronous for callers that cannot wait for a promise (a TLS handshake re-reading its certificate).
 */
function readRegularFileSync(path: string, limit: number): Result<Buffer, string> {
  try {
    const fd = openSync(path, OPEN_FLAGS);
    try {
      const refused = notRegularFile(fstatSync(fd));
      if (refused !== undefined) throw refused;
      const chunks: Buffer[] = [];
      for (let total = 0; total <= limit;) {
        const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, limit + 1 - total));
        const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        chunks.push(chunk.subarray(0, bytesRead));
        total += bytesRead;
      }
      return ok(Buffer.concat(chunks));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return err(describeReadError(error, isSocketRefusal(error) ? statSyncOrNothing(path) : undefined));
  }
}

/** The same as readRegularFileSync, on libuv's threads; none of them waits for a pipe's writer. */
async function readRegularFile(path: string, limit: number): Promise<Result<Buffer, string>> {
  let file: FileHandle | undefined;
  try {
    file = await open(path, OPEN_FLAGS);
    const refused = notRegularFile(await file.stat());
    if (refused !== undefined) throw refused;
    const chunks: Buffer[] = [];
    for (let total = 0; total <= limit;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, limit + 1 - total));
      const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return ok(Buffer.concat(chunks));
  } catch (error) {
    const stats = isSocketRefusal(error) ? await stat(path).catch(() => undefined) : undefined;
    return err(describeReadError(error, stats));
  } finally {
    await file?.close();
  }
}

/**
 * Reads a small file, refusing it when it is larger than `limit` bytes (at most `limit + 1` are read)
 * or not a regular file. An error is a short reason without the path. Synchronous on purpose: a changed
 * web config file is re-read right before a TLS handshake, which cannot wait for a promise, and files
 * named in a config are read while it is checked. The files are small and read only when they change.
 */
export function readSmallFile(path: string, limit: number): Result<Buffer, string> {
  return atMost(readRegularFileSync(path, limit), limit);
}

/** readSmallFile on libuv's threads, for a file read while requests are being served (a secret). */
export async function readSmallFileAsync(path: string, limit: number): Promise<Result<Buffer, string>> {
  return atMost(await readRegularFile(path, limit), limit);
}

function atMost(bytes: Result<Buffer, string>, limit: number): Result<Buffer, string> {
  return bytes.ok && bytes.value.length > limit ? err(`larger than ${formatBytes(limit)}`) : bytes;
}

/**
 * Reads a whole text file, refusing it when it is larger than `maxBytes` (checked while reading, so
 * a huge or endless file costs at most `maxBytes`), not a regular file, or not valid UTF-8. Errors are
 * whole messages that start with the path.
 */
export async function readBoundedText(
  path: string,
  maxBytes: number,
  what: string,
): Promise<Result<string, string>> {
  const bytes = await readRegularFile(path, maxBytes);
  if (!bytes.ok) return err(`${path}: cannot read ${what}: ${bytes.error}`);
  if (bytes.value.length > maxBytes) {
    return err(`${path}: ${what} is larger than the limit of ${formatBytes(maxBytes)}`);
  }
  return decodeUtf8(bytes.value, path);
}

/** Strict UTF-8 (a byte order mark is dropped); an invalid byte is reported with its line. */
export function decodeUtf8(bytes: Buffer, fileName: string): Result<string, string> {
  if (!isUtf8(bytes)) {
    // A newline byte never occurs inside a multi-byte sequence, so lines can be checked one by one.
    let line = 1;
    let start = 0;
    for (let end = 0; end <= bytes.length; end++) {
      if (end < bytes.length && bytes[end] !== 0x0a) continue;
      if (!isUtf8(bytes.subarray(start, end))) break;
      line += 1;
      start = end + 1;
    }
    return err(`${fileName}:${line}: invalid UTF-8 (the file must be UTF-8 text)`);
  }
  return ok(new TextDecoder('utf-8').decode(bytes));
}

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
};

/** A short reason without the path (the caller names it) and without file contents. */
export function describeFsError(error: unknown): string {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
  const reason = FS_REASONS[code];
  if (reason !== undefined) return reason;
  if (code !== '') return code;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opening a Unix socket fails (ENXIO) before there is a descriptor to look at; the path's metadata,
 * which never blocks, then says what it is.
 */
function isSocketRefusal(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENXIO';
}

function statSyncOrNothing(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined; // gone in the meantime: the open's own reason is given
  }
}

function describeReadError(error: unknown, pathStats: Stats | undefined): string {
  if (error instanceof NotRegularFile) return error.message;
  const refused = pathStats === undefined ? undefined : notRegularFile(pathStats);
  return refused?.message ?? describeFsError(error);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
