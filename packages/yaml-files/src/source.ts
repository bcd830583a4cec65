import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document, type YAMLWarning } from 'yaml';
import { isCoreTag, shortTags } from './tags.js';
import { err, ok, type Result } from './result.js';

/** A parsed YAML file and what messages need to point into it. */
export interface YamlSource {
  readonly fileName: string;
  readonly text: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/**
 * Reads a whole text file, refusing it when it is larger than `maxBytes` (checked while reading, so
 * a huge or endless file costs at most `maxBytes`) or not valid UTF-8. Errors are whole messages.
 */
export async function readBoundedText(
  path: string,
  maxBytes: number,
  what: string,
): Promise<Result<string, string>> {
  let bytes: Buffer;
  try {
    const file = await open(path, 'r');
    try {
      bytes = await readAtMost(file, maxBytes + 1);
    } finally {
      await file.close();
    }
  } catch (error) {
    return err(`${path}: cannot read ${what}: ${describeFsError(error)}`);
  }
  if (bytes.length > maxBytes) {
    return err(`${path}: ${what} is larger than the limit of ${formatBytes(maxBytes)}`);
  }
  return decodeUtf8(bytes, path);
}

async function readAtMost(file: Awaited<ReturnType<typeof open>>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, limit - total));
    const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks);
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

/**
 * Parses YAML strictly (duplicate keys are errors). A syntax error stops everything else: it is
 * reported as `FILE:LINE:COL: reason`, with the parser's reason.
 */
export function parseYamlSource(text: string, fileName: string): Result<YamlSource, string[]> {
  const lines = new LineCounter();
  // prettyErrors off: the default appends a multi-line excerpt; our messages are one line each.
  // resolveKnownTags off: !!binary, !!set, !!timestamp... stay unresolved, so that toPlainValue
  // reports each one as one unsupported tag, at its key path, instead of checking a byte array.
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    resolveKnownTags: false,
  });
  const problems = [...doc.errors, ...doc.warnings.filter((w) => !isLeftToPlainValue(w))];
  if (problems.length > 0) {
    return err(
      problems.map((problem) => {
        const { line, col } = lines.linePos(problem.pos[0]);
        const message = shortTags(problem.message.split('\n')[0] ?? '');
        return `${fileName}:${line}:${col}: ${message}`;
      }),
    );
  }
  return ok({ fileName, text, doc, lines });
}

/**
 * A tag outside the core schema is kept on its node and reported by toPlainValue with the key path;
 * a core tag that does not fit its value (`!!float abc`) stays a parse error.
 */
function isLeftToPlainValue(warning: YAMLWarning): boolean {
  const tag = /^Unresolved tag: (\S+)$/.exec(warning.message)?.[1];
  return warning.code === 'TAG_RESOLVE_FAILED' && tag !== undefined && !isCoreTag(tag);
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

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * Reads a file synchronously, refusing one larger than `limit` bytes (at most `limit + 1` are read).
 * Synchronous on purpose: a changed web config file is re-read right before a TLS handshake, which
 * cannot wait for a promise, and secret files are read while the config is checked. The files are
 * small and read only when they change. An error is a short reason without the path.
 */
export function readSmallFile(path: string, limit: number): Result<Buffer, string> {
  try {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(limit + 1);
      const size = readSync(fd, buffer, 0, buffer.length, null);
      return size > limit ? err(`larger than ${formatBytes(limit)}`) : ok(buffer.subarray(0, size));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return err(describeFsError(error));
  }
}
