// Writing what a run found: bench/results.json and the table between the bench markers in
// docs/performance.md, both formatted with the project's Prettier settings so `npm run format:check`
// stays clean.
import { readFile, writeFile } from 'node:fs/promises';
import * as prettier from 'prettier';

export const TABLE_START = '<!-- bench:start -->';
export const TABLE_END = '<!-- bench:end -->';

async function formatted(text: string, file: string): Promise<string> {
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...config, filepath: file });
}

export async function writeResults(file: string, results: unknown): Promise<void> {
  await writeFile(file, await formatted(`${JSON.stringify(results, null, 2)}\n`, file));
}

/** Replaces what lies between the markers in `file`'s text; fails, naming both, when they are missing. */
export function replaceBetweenMarkers(text: string, generated: string, file: string): string {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`${file} has no ${TABLE_START} ... ${TABLE_END} section to rewrite`);
  return `${text.slice(0, start + TABLE_START.length)}\n\n${generated.trim()}\n\n${text.slice(end)}`;
}

export async function rewriteTable(file: string, generated: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  await writeFile(file, await formatted(replaceBetweenMarkers(text, generated, file), file));
}
