import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseConfig } from './parse.js';
import type { ConfigResult } from './parse.js';

/** Reads `path` and parses it with the process environment; secret file paths are relative to it. */
export async function loadConfigFile(path: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, errors: [`${path}: cannot read config file: ${describeFsError(error)}`] };
  }
  const baseDir = dirname(path);
  return parseConfig(text, path, process.env, (file) => readSecretFile(resolve(baseDir, file)));
}

// Synchronous because parseConfig is; a config holds a handful of small secret files at most.
function readSecretFile(path: string): string | Error {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    return new Error(describeFsError(error));
  }
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
