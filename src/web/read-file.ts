import { closeSync, openSync, readSync } from 'node:fs';
import { describeFsError } from '../yaml/source.js';
import { err, ok, type Result } from '../util/result.js';

/**
 * Reads a file synchronously, refusing one larger than `limit` bytes (at most `limit + 1` are read).
 * Synchronous on purpose: a changed file is re-read right before a TLS handshake, which cannot wait
 * for a promise. The files are small and read only when they change. An error is a short reason.
 */
export function readSmallFile(path: string, limit: number): Result<Buffer, string> {
  try {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(limit + 1);
      const size = readSync(fd, buffer, 0, buffer.length, null);
      return size > limit ? err(`larger than ${formatLimit(limit)}`) : ok(buffer.subarray(0, size));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return err(describeFsError(error));
  }
}

function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}
